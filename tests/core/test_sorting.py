from behandlerklient.core.sorting import danish_key, name_key


def test_danish_letters_sort_after_z_in_order_ae_oe_aa() -> None:
    names = ["Åberg", "Ørsted", "Zander", "Ærø", "Andersen", "åse", "Éclair"]
    assert sorted(names, key=danish_key) == ["Andersen", "Éclair", "Zander", "Ærø", "Ørsted", "Åberg", "åse"]


def test_case_does_not_matter_and_last_name_comes_first() -> None:
    assert danish_key("ØSTER") == danish_key("øster")
    assert name_key("Anna", "Berg") < name_key("Anders", "Bergholt")
