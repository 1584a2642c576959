"""Synthetic Danish names, places and phrases for demo data. Nothing here describes a real person."""

GIRLS = ("Emma", "Ida", "Clara", "Freja", "Alma", "Ella", "Sofia", "Agnes", "Karla", "Olivia", "Laura", "Anna",
         "Josefine", "Frida", "Mathilde", "Nora", "Lærke", "Asta", "Liva", "Maja", "Ellen", "Astrid", "Signe",
         "Victoria", "Esther", "Aya", "Mille", "Sara", "Filippa", "Søs", "Ronja", "Aurora", "Selma", "Hannah")
BOYS = ("William", "Noah", "Oscar", "Lucas", "Carl", "Victor", "Malthe", "Alfred", "Emil", "Aksel", "Valdemar",
        "Magnus", "Elias", "Frederik", "Arthur", "Anton", "August", "Johan", "Villads", "Storm", "Bjørn", "Søren",
        "Mads", "Mikkel", "Rasmus", "Ahmad", "Theo", "Oliver", "Felix", "Asger", "Jens", "Ørjan", "Nikolaj")
LAST = ("Jensen", "Nielsen", "Hansen", "Pedersen", "Andersen", "Christensen", "Larsen", "Sørensen", "Rasmussen",
        "Jørgensen", "Petersen", "Madsen", "Kristensen", "Olsen", "Thomsen", "Christiansen", "Poulsen", "Johansen",
        "Møller", "Mortensen", "Knudsen", "Jakobsen", "Mikkelsen", "Frederiksen", "Lauridsen", "Kjær", "Dahl",
        "Bæk", "Skov", "Holm", "Lund", "Søgaard", "Østergaard", "Vestergaard", "Brøndum", "Aagaard", "Ærenlund",
        "Højgaard", "Friis", "Winther", "Hussein", "Ali", "Nguyen", "Kowalski")
ADULT_F = ("Mette", "Hanne", "Susanne", "Louise", "Camilla", "Maria", "Trine", "Maiken", "Line", "Rikke", "Pernille",
           "Tina", "Signe", "Ditte", "Marianne", "Bodil", "Jette")
ADULT_M = ("Jesper", "Thomas", "Martin", "Michael", "Anders", "Henrik", "Søren", "Kasper", "Morten", "Rune",
           "Jakob", "Lars", "Niels", "Brian", "Torben", "Jørgen")
STREETS = ("Skovvej", "Møllevej", "Kirkegade", "Bøgevænget", "Søndergade", "Nørregade", "Engvej", "Åboulevarden",
           "Præstevænget", "Fælledvej", "Strandvejen", "Hørvænget")
TOWNS = (("4500", "Nykøbing Sj."), ("4550", "Asnæs"), ("4560", "Vig"), ("4300", "Holbæk"), ("4400", "Kalundborg"),
         ("4200", "Slagelse"), ("4100", "Ringsted"), ("4700", "Næstved"), ("4760", "Vordingborg"),
         ("4990", "Sakskøbing"))
MUNICIPALITIES = ("Odsherred Kommune", "Holbæk Kommune", "Kalundborg Kommune", "Sorø Kommune", "Lejre Kommune")
CLINIC_PREFIX = ("Lægehuset", "Lægerne", "Lægeklinikken", "Sundhedshuset")
CONCERNS = (
    "Forælder beskriver stigende bekymringer og ondt i maven om morgenen før skole.",
    "Barnet er blevet mere stille og trist gennem de seneste måneder; trækker sig fra venner.",
    "Skolen oplever uro og konflikter i klassen; hjemme er der mange konflikter ved sengetid.",
    "Den unge fortæller selv om angst i sociale situationer og undgår at række hånden op.",
    "Forældre er bekymrede for tanker om krop og mad og færre måltider.",
    "Gentagne tjek og vask, der tager meget tid om aftenen.",
    "Den unge har skadet sig selv enkelte gange; ingen aktuelle planer om selvmord.",
    "Søvnproblemer og bekymringer efter forældrenes skilsmisse.",
)
# The reason-for-contact categories each concern above is about (core/monitoring.py DEFAULT_REASONS).
CONCERN_REASONS = ("bekymringer,angst", "nedtrykthed", "adfaerd", "angst", "krop_mad", "gentagne_tanker",
                   "selvskade,nedtrykthed", "bekymringer,stress")
GUIDED_KINDS = ("ppr", "school", "civil_society", "social_services", "health_visitor")  # matching GUIDED_TO
DELIVERING_UNIT = "Sundhed og Omsorg, Team Børn og Unges Trivsel"
AGENDA = ("Dagsorden aftalt: status, hjemmeopgave, dagens øvelse og ny hjemmeopgave.",
          "Fælles dagsorden; {name} ønskede at tale om en svær episode i skolen.",
          "Dagsorden lagt sammen med {name} og mor; plads til spørgsmål til sidst.")
STATUS = ("{name} har lavet hjemmeopgaven tre af fem dage. Ugen har været rolig.",
          "Hjemmeopgaven blev ikke lavet; vi talte om, hvad der stod i vejen.",
          "Forældre fortæller om færre konflikter om morgenen. {name} har været i skole alle dage.",
          "En svær uge med sygdom i familien; {name} har brugt vejrtrækningsøvelsen.")
GOALS = ("Målet er at kunne gå alene i skole; i dag arbejder vi med trin 3 på trappen.",
         "At kunne sige fra over for kammerater; dagens mål er at øve det i rollespil.",
         "Færre bekymringstanker ved sengetid; i dag øver vi bekymringstid.",
         "At komme tilbage til fodbold; vi planlægger første skridt.")
EXERCISE = ("Detektivtænkning på en konkret situation; {name} fandt selv to alternative tanker.",
            "Eksponering: {name} ringede til en kammerat under sessionen. Angst 7 før, 3 efter.",
            "Aktivitetsplan for ugen lavet sammen; tre rare aktiviteter valgt.",
            "Rollespil af gode beskeder med forældrene; de øvede ros af ønsket adfærd.",
            "Psykoedukation om angstens kurve; tegnet sammen.")
HOMEWORK = ("Øve trin 3 på trappen tre gange; formålet er at opleve, at angsten falder.",
            "Skrive bekymringstanker ned i bekymringstiden kl. 18.",
            "Gennemføre de tre planlagte aktiviteter og notere humøret før og efter.",
            "Forældre giver ros fem gange dagligt og noterer det.")
INTAKE_NOTES = (
    "Forælder beskriver en kortvarig reaktion efter flytning; {name} har det bedre nu.",
    "{name} har brug for støtte i skolen mere end behandling.",
    "{name} har haft vedvarende symptomer i flere måneder med nedsat funktion i skole og fritid.",
    "Udtalte symptomer gennem længere tid; funktionen er markant nedsat.",
)
INTAKE_REASONS = (
    "Almindelig, forbigående reaktion; familiens egen omsorg er tilstrækkelig.",
    "Vanskelighederne hører hjemme i eksisterende tilbud.",
    "Let til moderat nedsat funktion inden for målgruppen.",
    "Tegn på alvorligere psykisk lidelse; uden for tilbuddets målgruppe.",
)
# Why a screening starts no course: every such outcome is reasoned (and the GP letter states the reason).
OUTCOME_REASONS = {
    "bup_referral": "Tegn på en alvorligere psykisk lidelse, der kræver udredning i BUP.",
    "guidance": "Vanskelighederne løses bedst med støtte i skolen via PPR.",
    "notification": "Bekymring for barnets trivsel i hjemmet; socialforvaltningen er bedre til at hjælpe.",
    "no_course": "Symptomerne er aftaget siden henvendelsen.",
}
GUIDED_TO = ("PPR's konsultative team", "Skolens AKT-vejleder", "Headspace", "Familierådgivningen",
             "Sundhedsplejen")
ACCOUNTS = ("{name} fortæller, at det er svært at sove, fordi tankerne kører.",
            "{name} siger, at maven gør ondt, når der er prøver i skolen.",
            "{name} fortæller om at blive holdt udenfor i frikvartererne.",
            "{name} vil gerne kunne være sammen med vennerne igen uden at blive bange.")
SYMPTOMS = ("Bekymringer, søvnbesvær og undgåelse af skole.", "Tristhed, træthed og tilbagetrækning.",
            "Uro, konflikter og koncentrationsbesvær.", "Tvangsprægede tjek og ritualer om aftenen.",
            "Angst i sociale situationer; undgår at tale i klassen.")
CRISIS_PLAN = {"crisis_warning_signs": "Trækker sig ind på værelset, holder op med at spise.",
               "crisis_own_coping": "Går en tur med hunden; skriver i dagbog.",
               "crisis_people": "Mor, moster og veninden fra klassen.",
               "crisis_professionals": "Behandleren i dagtimerne; Livslinien; akutmodtagelsen om natten.",
               "crisis_means_safety": "Medicin låst inde; forældrene fjerner skarpe genstande."}
COORDINATION = (("school", "coordination", "Møde med klasselærer om trappetrin i skolen; læreren støtter."),
                ("ppr", "coordination", "PPR orienteret; ingen yderligere tiltag lige nu."),
                ("bup", "sparring", "Sparring med BUP om symptombilledet; fortsæt forløbet som planlagt."),
                ("social_services", "coordination", "Kort koordinering med familierådgiveren om familiens situation."))
BUP_REFERRAL = ("Henvist til BUP efter sparring: tegn på en depression, der kræver udredning; "
                "forløbet fortsætter til da.")
NOTIFICATION_GROUNDS = ("Barnet fortæller om vold i hjemmet.",
                        "Bekymring for omsorgssvigt: barnet kommer ofte sultent i skole.",
                        "Forældrenes eget misbrug påvirker barnets hverdag.")
GROUP_NOTES = ("Deltog aktivt og fortalte om sin egen trappe.", "Stille i dag, men lavede øvelsen.",
               "Havde svært ved at komme i gang; faldt til efter pausen.", "Var stolt over sit trin fra sidste uge.")
