<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="da_DK" sourcelanguage="en">
<context>
    <name>AccessActions</name>
    <message>
        <source>&amp;Access and supervision…</source>
        <translation>A&amp;dgang og supervision…</translation>
    </message>
    <message>
        <source>Only an administrator can give access to a child.</source>
        <translation>Kun en administrator kan give adgang til et barn.</translation>
    </message>
</context>
<context>
    <name>AccessDialog</name>
    <message>
        <source>Access and supervision</source>
        <translation>Adgang og supervision</translation>
    </message>
    <message>
        <source>Child: %1</source>
        <translation>Barn: %1</translation>
    </message>
    <message>
        <source>Child</source>
        <translation>Barn</translation>
    </message>
    <message>
        <source>Has &amp;access:</source>
        <translation>&amp;Har adgang:</translation>
    </message>
    <message>
        <source>&amp;Remove access…</source>
        <translation>&amp;Fjern adgang…</translation>
    </message>
    <message>
        <source>&amp;Colleague:</source>
        <translation>&amp;Kollega:</translation>
    </message>
    <message>
        <source>&amp;Share with colleague</source>
        <translation>&amp;Del med kollega</translation>
    </message>
    <message>
        <source>&amp;Hand over caseload…</source>
        <translation>&amp;Overdrag sagsstamme…</translation>
    </message>
    <message>
        <source>Choose a child in the list first to share it or hand it over.</source>
        <translation>Vælg først et barn i listen for at dele det eller overdrage det.</translation>
    </message>
    <message>
        <source>Supervision</source>
        <translation>Supervision</translation>
    </message>
    <message>
        <source>Supervision &amp;pairs:</source>
        <translation>Supervisions&amp;par:</translation>
    </message>
    <message>
        <source>&amp;End pair…</source>
        <translation>&amp;Afslut par…</translation>
    </message>
    <message>
        <source>Super&amp;visor:</source>
        <translation>&amp;Supervisor:</translation>
    </message>
    <message>
        <source>&amp;Therapist:</source>
        <translation>&amp;Behandler:</translation>
    </message>
    <message>
        <source>A&amp;dd pair</source>
        <translation>Opret pa&amp;r</translation>
    </message>
    <message>
        <source>caseload</source>
        <translation>sagsstamme</translation>
    </message>
    <message>
        <source>shared</source>
        <translation>delt (medbehandler)</translation>
    </message>
    <message>
        <source>%1 supervises %2</source>
        <translation>%1 superviserer %2</translation>
    </message>
    <message>
        <source>Nothing to change: it is so already.</source>
        <translation>Intet at ændre: sådan er det allerede.</translation>
    </message>
    <message>
        <source>The child is now shared with %1.</source>
        <translation>Barnet er nu delt med %1.</translation>
    </message>
    <message>
        <source>Hand over caseload</source>
        <translation>Overdrag sagsstamme</translation>
    </message>
    <message>
        <source>%1 becomes the child&apos;s therapist, and whoever holds the caseload now loses it. Colleagues the child is shared with keep it. Hand it over?</source>
        <translation>%1 bliver barnets behandler, og den, der har barnet i sin sagsstamme nu, mister det. Kolleger, barnet er delt med, beholder adgangen. Overdrag?</translation>
    </message>
    <message>
        <source>&amp;Hand over</source>
        <translation>&amp;Overdrag</translation>
    </message>
    <message>
        <source>&amp;Cancel</source>
        <translation>&amp;Annuller</translation>
    </message>
    <message>
        <source>%1 now holds the child&apos;s caseload.</source>
        <translation>%1 har nu barnet i sin sagsstamme.</translation>
    </message>
    <message>
        <source>Remove access</source>
        <translation>Fjern adgang</translation>
    </message>
    <message>
        <source>Choose whose access to remove in the list.</source>
        <translation>Vælg i listen, hvis adgang der skal fjernes.</translation>
    </message>
    <message>
        <source>%1 loses access to the child. The grant is kept in the history. Remove it?</source>
        <translation>%1 mister adgangen til barnet. Adgangen bevares i historikken. Fjern den?</translation>
    </message>
    <message>
        <source>&amp;Remove</source>
        <translation>&amp;Fjern</translation>
    </message>
    <message>
        <source>%1 no longer has access to the child.</source>
        <translation>%1 har ikke længere adgang til barnet.</translation>
    </message>
    <message>
        <source>%1 now supervises %2.</source>
        <translation>%1 superviserer nu %2.</translation>
    </message>
    <message>
        <source>End pair</source>
        <translation>Afslut par</translation>
    </message>
    <message>
        <source>Choose the pair to end in the list.</source>
        <translation>Vælg i listen, hvilket par der skal afsluttes.</translation>
    </message>
    <message>
        <source>%1 stops supervising %2. The pair is kept in the history. End it?</source>
        <translation>%1 holder op med at supervisere %2. Parret bevares i historikken. Afslut det?</translation>
    </message>
    <message>
        <source>&amp;End pair</source>
        <translation>&amp;Afslut par</translation>
    </message>
    <message>
        <source>%1 no longer supervises %2.</source>
        <translation>%1 superviserer ikke længere %2.</translation>
    </message>
</context>
<context>
    <name>AppController</name>
    <message>
        <source>&amp;Lock</source>
        <translation>&amp;Lås</translation>
    </message>
    <message>
        <source>Automatic backup failed: %1</source>
        <translation>Automatisk sikkerhedskopi mislykkedes: %1</translation>
    </message>
    <message>
        <source>Taking today&apos;s backup in the background…</source>
        <translation>Tager dagens sikkerhedskopi i baggrunden…</translation>
    </message>
    <message>
        <source>Backup saved: %1</source>
        <translation>Sikkerhedskopi gemt: %1</translation>
    </message>
    <message>
        <source>Finishing today&apos;s backup before locking…</source>
        <translation>Gør dagens sikkerhedskopi færdig før låsning…</translation>
    </message>
    <message>
        <source>Creating the demo database with synthetic children…</source>
        <translation>Opretter demodatabase med syntetiske børn…</translation>
    </message>
    <message>
        <source>Creating the encrypted database…</source>
        <translation>Opretter den krypterede database…</translation>
    </message>
    <message>
        <source>Unlocking…</source>
        <translation>Låser op…</translation>
    </message>
</context>
<context>
    <name>BaseDialog</name>
    <message>
        <source>Discard the changes?</source>
        <translation>Kassér ændringerne?</translation>
    </message>
    <message>
        <source>What you typed in this window is not saved. Close it and lose it?</source>
        <translation>Det, du har skrevet i vinduet, er ikke gemt. Luk og mist det?</translation>
    </message>
    <message>
        <source>&amp;Discard</source>
        <translation>&amp;Kassér</translation>
    </message>
    <message>
        <source>&amp;Keep editing</source>
        <translation>&amp;Fortsæt med at skrive</translation>
    </message>
</context>
<context>
    <name>ChildDetailsActions</name>
    <message>
        <source>&amp;Master data…</source>
        <translation>Sta&amp;mdata…</translation>
    </message>
    <message>
        <source>Master data</source>
        <translation>Stamdata</translation>
    </message>
    <message>
        <source>Choose a child first.</source>
        <translation>Vælg først et barn.</translation>
    </message>
</context>
<context>
    <name>ChildDetailsDialog</name>
    <message>
        <source>Master data</source>
        <translation>Stamdata</translation>
    </message>
    <message>
        <source>&amp;Child</source>
        <translation>&amp;Barnet</translation>
    </message>
    <message>
        <source>&amp;Parents</source>
        <translation>&amp;Forældre</translation>
    </message>
    <message>
        <source>&amp;GP</source>
        <translation>&amp;Egen læge</translation>
    </message>
    <message>
        <source>When</source>
        <translation>Hvornår</translation>
    </message>
    <message>
        <source>By</source>
        <translation>Af</translation>
    </message>
    <message>
        <source>What</source>
        <translation>Hvad</translation>
    </message>
    <message>
        <source>Old value</source>
        <translation>Gammel værdi</translation>
    </message>
    <message>
        <source>New value</source>
        <translation>Ny værdi</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Begrundelse</translation>
    </message>
    <message>
        <source>&amp;History</source>
        <translation>&amp;Historik</translation>
    </message>
    <message>
        <source>Required when the CPR number is corrected</source>
        <translation>Skal udfyldes, når CPR-nummeret rettes</translation>
    </message>
    <message>
        <source>Reaso&amp;n for the change:</source>
        <translation>Begr&amp;undelse for ændringen:</translation>
    </message>
    <message>
        <source>&amp;Save</source>
        <translation>&amp;Gem</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Luk</translation>
    </message>
    <message>
        <source>F&amp;irst name:</source>
        <translation>F&amp;ornavn:</translation>
    </message>
    <message>
        <source>&amp;Last name:</source>
        <translation>Efter&amp;navn:</translation>
    </message>
    <message>
        <source>CP&amp;R number:</source>
        <translation>&amp;CPR-nummer:</translation>
    </message>
    <message>
        <source>Addr&amp;ess:</source>
        <translation>&amp;Adresse:</translation>
    </message>
    <message>
        <source>Home m&amp;unicipality:</source>
        <translation>Hjem&amp;kommune:</translation>
    </message>
    <message>
        <source>&amp;Treating municipality:</source>
        <translation>Behan&amp;dlende kommune:</translation>
    </message>
    <message>
        <source>Sch&amp;ool:</source>
        <translation>&amp;Skole:</translation>
    </message>
    <message>
        <source>&amp;Add parent</source>
        <translation>&amp;Tilføj forælder</translation>
    </message>
    <message>
        <source>Has c&amp;ustody</source>
        <translation>Har forældre&amp;myndighed</translation>
    </message>
    <message>
        <source>&amp;Relation:</source>
        <translation>&amp;Relation:</translation>
    </message>
    <message>
        <source>Ph&amp;one:</source>
        <translation>Te&amp;lefon:</translation>
    </message>
    <message>
        <source>E-ma&amp;il:</source>
        <translation>E-m&amp;ail:</translation>
    </message>
    <message>
        <source>A&amp;ddress:</source>
        <translation>A&amp;dresse:</translation>
    </message>
    <message>
        <source>Cl&amp;inic:</source>
        <comment>gp</comment>
        <translation>Kl&amp;inik:</translation>
    </message>
    <message>
        <source>&amp;Doctor:</source>
        <comment>gp</comment>
        <translation>&amp;Læge:</translation>
    </message>
    <message>
        <source>&amp;Address:</source>
        <comment>gp</comment>
        <translation>&amp;Adresse:</translation>
    </message>
    <message>
        <source>Pos&amp;tcode:</source>
        <comment>gp</comment>
        <translation>&amp;Postnummer:</translation>
    </message>
    <message>
        <source>To&amp;wn:</source>
        <comment>gp</comment>
        <translation>B&amp;y:</translation>
    </message>
    <message>
        <source>Ph&amp;one:</source>
        <comment>gp</comment>
        <translation>&amp;Telefon:</translation>
    </message>
    <message>
        <source>SO&amp;R number:</source>
        <comment>gp</comment>
        <translation>&amp;SOR-nummer:</translation>
    </message>
    <message>
        <source>&amp;EAN number:</source>
        <comment>gp</comment>
        <translation>EA&amp;N-nummer:</translation>
    </message>
    <message>
        <source>Na&amp;me:</source>
        <translation>Na&amp;vn:</translation>
    </message>
    <message>
        <source>(choose to fill in a known clinic)</source>
        <translation>(vælg for at udfylde med en kendt klinik)</translation>
    </message>
    <message>
        <source>(no GP)</source>
        <translation>(ingen egen læge)</translation>
    </message>
    <message>
        <source>&amp;Known clinics:</source>
        <translation>&amp;Kendte klinikker:</translation>
    </message>
    <message>
        <source>(new parent)</source>
        <translation>(ny forælder)</translation>
    </message>
    <message>
        <source>, without custody</source>
        <translation>, uden forældremyndighed</translation>
    </message>
    <message>
        <source>A CPR correction needs a reason below. Born %1.</source>
        <translation>En rettelse af CPR-nummeret kræver en begrundelse nedenfor. Født %1.</translation>
    </message>
    <message>
        <source>Saved. Every change is listed on the History tab.</source>
        <translation>Gemt. Alle ændringer står på fanen Historik.</translation>
    </message>
    <message>
        <source>Discard the changes that are not saved?</source>
        <translation>Kassér de ændringer, der ikke er gemt?</translation>
    </message>
    <message>
        <source>Discard</source>
        <translation>Kassér</translation>
    </message>
    <message>
        <source>Keep editing</source>
        <translation>Fortsæt redigeringen</translation>
    </message>
</context>
<context>
    <name>ChildListModel</name>
    <message>
        <source>Name</source>
        <translation>Navn</translation>
    </message>
    <message>
        <source>CPR</source>
        <translation>CPR</translation>
    </message>
    <message>
        <source>Age</source>
        <translation>Alder</translation>
    </message>
    <message>
        <source>%1 years</source>
        <translation>%1 år</translation>
    </message>
</context>
<context>
    <name>ChildView</name>
    <message>
        <source>Choose a child in the list on the left.</source>
        <translation>Vælg et barn i listen til venstre.</translation>
    </message>
    <message>
        <source>Maste&amp;r data…</source>
        <translation>St&amp;amdata…</translation>
    </message>
    <message>
        <source>Name, CPR, address, school, parents and GP, with their history (Ctrl+Shift+M)</source>
        <translation>Navn, CPR, adresse, skole, forældre og egen læge med historik (Ctrl+Shift+M)</translation>
    </message>
    <message>
        <source>Contacts</source>
        <translation>Henvendelser</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>Dato</translation>
    </message>
    <message>
        <source>Who</source>
        <translation>Hvem</translation>
    </message>
    <message>
        <source>Way</source>
        <translation>Vej</translation>
    </message>
    <message>
        <source>Concern</source>
        <translation>Bekymring</translation>
    </message>
    <message>
        <source>Courses and sessions</source>
        <translation>Forløb og sessioner</translation>
    </message>
    <message>
        <source>Course / session</source>
        <translation>Forløb / session</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Sessions</source>
        <translation>Sessioner</translation>
    </message>
    <message>
        <source>&amp;New course…</source>
        <translation>&amp;Nyt forløb…</translation>
    </message>
    <message>
        <source>Consent and docu&amp;mentation</source>
        <translation>Sa&amp;mtykke og dokumentation</translation>
    </message>
    <message>
        <source>New &amp;session</source>
        <translation>Ny &amp;session</translation>
    </message>
    <message>
        <source>Opens the next step of the pathway, filled in from what is known (Ctrl+Shift+Enter)</source>
        <translation>Åbner forløbets næste trin, udfyldt med det, der allerede vides (Ctrl+Shift+Enter)</translation>
    </message>
    <message>
        <source>New session in the chosen course (Ctrl+N)</source>
        <translation>Ny session i det valgte forløb (Ctrl+N)</translation>
    </message>
    <message>
        <source>C&amp;ourses</source>
        <translation>F&amp;orløb</translation>
    </message>
    <message>
        <source>&amp;Timeline</source>
        <translation>T&amp;idslinje</translation>
    </message>
    <message>
        <source>&amp;Journal</source>
        <translation>&amp;Journal</translation>
    </message>
    <message>
        <source>SD&amp;Q</source>
        <translation>SD&amp;Q</translation>
    </message>
    <message>
        <source>&lt;h2&gt;No child chosen&lt;/h2&gt;Choose a child in the list on the left, or search by name or CPR.</source>
        <translation>&lt;h2&gt;Intet barn valgt&lt;/h2&gt;Vælg et barn i listen til venstre, eller søg på navn eller CPR.</translation>
    </message>
    <message>
        <source>&lt;h2&gt;%1&lt;/h2&gt;CPR %2 · born %3 · %4 years · %5</source>
        <translation>&lt;h2&gt;%1&lt;/h2&gt;CPR %2 · født %3 · %4 år · %5</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>%1 (%2, without custody)</source>
        <translation>%1 (%2, uden forældremyndighed)</translation>
    </message>
    <message>
        <source>%1, %2, tel. %3</source>
        <translation>%1, %2, tlf. %3</translation>
    </message>
    <message>
        <source>not given</source>
        <translation>ikke angivet</translation>
    </message>
    <message>
        <source>%1 (treated in %2)</source>
        <translation>%1 (behandles i %2)</translation>
    </message>
    <message>
        <source>&lt;b&gt;Parents:&lt;/b&gt; %1&lt;br&gt;&lt;b&gt;GP:&lt;/b&gt; %2&lt;br&gt;&lt;b&gt;Municipality:&lt;/b&gt; %3</source>
        <translation>&lt;b&gt;Forældre:&lt;/b&gt; %1&lt;br&gt;&lt;b&gt;Egen læge:&lt;/b&gt; %2&lt;br&gt;&lt;b&gt;Kommune:&lt;/b&gt; %3</translation>
    </message>
    <message>
        <source>&lt;br&gt;&lt;b&gt;Address:&lt;/b&gt; %1 · &lt;b&gt;School:&lt;/b&gt; %2</source>
        <translation>&lt;br&gt;&lt;b&gt;Adresse:&lt;/b&gt; %1 · &lt;b&gt;Skole:&lt;/b&gt; %2</translation>
    </message>
    <message>
        <source>Session %1</source>
        <translation>Session %1</translation>
    </message>
    <message>
        <source>Next: %1</source>
        <translation>Næste: %1</translation>
    </message>
</context>
<context>
    <name>ConflictDialog</name>
    <message>
        <source>Conflict between devices</source>
        <translation>Konflikt mellem enheder</translation>
    </message>
    <message>
        <source>Both versions are kept. The one you choose becomes the current one; the other is kept and marked as set aside. Your choice is signed with your passphrase and written in the journal.</source>
        <translation>Begge udgaver bevares. Den, du vælger, bliver den gældende; den anden bevares og markeres som fravalgt. Dit valg underskrives med din adgangskode og skrives i journalen.</translation>
    </message>
    <message>
        <source>&amp;Versions:</source>
        <translation>&amp;Udgaver:</translation>
    </message>
    <message>
        <source>&amp;Reason (optional):</source>
        <translation>Be&amp;grundelse (frivillig):</translation>
    </message>
    <message>
        <source>&amp;Keep the chosen version and sign…</source>
        <translation>&amp;Behold den valgte udgave og underskriv…</translation>
    </message>
    <message>
        <source>Choose the version that applies.</source>
        <translation>Vælg den udgave, der gælder.</translation>
    </message>
    <message>
        <source>Sign</source>
        <translation>Underskriv</translation>
    </message>
    <message>
        <source>The chosen version becomes the current one; the other is kept.

Type your passphrase to sign:</source>
        <translation>Den valgte udgave bliver den gældende; den anden bevares.

Skriv din adgangskode for at underskrive:</translation>
    </message>
</context>
<context>
    <name>ConsentTab</name>
    <message>
        <source>&lt;h3&gt;Consent today&lt;/h3&gt;</source>
        <translation>&lt;h3&gt;Samtykke i dag&lt;/h3&gt;</translation>
    </message>
    <message>
        <source>Treatment</source>
        <translation>Behandling</translation>
    </message>
    <message>
        <source>Disclosure to %1</source>
        <translation>Videregivelse til %1</translation>
    </message>
    <message>
        <source>given by %1</source>
        <translation>givet af %1</translation>
    </message>
    <message>
        <source>not given (required from %1)</source>
        <translation>ikke givet (kræves af %1)</translation>
    </message>
    <message>
        <source>&lt;p&gt;&lt;b&gt;The young person has asked for the parents&apos; access to the journal to be limited.&lt;/b&gt;&lt;/p&gt;</source>
        <translation>&lt;p&gt;&lt;b&gt;Den unge har bedt om, at forældrenes adgang til journalen begrænses.&lt;/b&gt;&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;h3&gt;Documentation checklist: %1&lt;/h3&gt;</source>
        <translation>&lt;h3&gt;Dokumentationstjekliste: %1&lt;/h3&gt;</translation>
    </message>
    <message>
        <source>✘ missing</source>
        <translation>✘ mangler</translation>
    </message>
</context>
<context>
    <name>DocumentActions</name>
    <message>
        <source>&amp;Documents</source>
        <translation>&amp;Dokumenter</translation>
    </message>
    <message>
        <source>&amp;Journal summary (PDF)…</source>
        <translation>&amp;Journaludskrift (PDF)…</translation>
    </message>
    <message>
        <source>&amp;Information to the GP…</source>
        <translation>&amp;Orientering til egen læge…</translation>
    </message>
    <message>
        <source>&amp;Feedback to the GP…</source>
        <translation>&amp;Tilbagemelding til egen læge…</translation>
    </message>
    <message>
        <source>Document saved</source>
        <translation>Dokument gemt</translation>
    </message>
    <message>
        <source>Saved: %1

Open the folder?</source>
        <translation>Gemt: %1

Åbn mappen?</translation>
    </message>
    <message>
        <source>Open the folder</source>
        <translation>Åbn mappen</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Luk</translation>
    </message>
    <message>
        <source>Choose a child first.</source>
        <translation>Vælg først et barn.</translation>
    </message>
    <message>
        <source>Save journal summary</source>
        <translation>Gem journaludskrift</translation>
    </message>
    <message>
        <source>Making the journal summary…</source>
        <translation>Laver journaludskriften…</translation>
    </message>
    <message>
        <source>Choose a child with a course first.</source>
        <translation>Vælg først et barn med et forløb.</translation>
    </message>
    <message>
        <source>Save letter</source>
        <translation>Gem brev</translation>
    </message>
</context>
<context>
    <name>FormDialog</name>
    <message>
        <source>Save &amp;draft</source>
        <translation>Gem &amp;kladde</translation>
    </message>
    <message>
        <source>&amp;Save</source>
        <translation>&amp;Gem</translation>
    </message>
    <message>
        <source>Save and &amp;sign…</source>
        <translation>Gem og &amp;underskriv…</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Luk</translation>
    </message>
    <message>
        <source>Sign</source>
        <translation>Underskriv</translation>
    </message>
    <message>
        <source>Signed entries cannot be changed afterwards, only corrected by a new addition.

Type your passphrase to sign:</source>
        <translation>Underskrevne notater kan ikke ændres bagefter, kun rettes med en ny tilføjelse.

Skriv din adgangskode for at underskrive:</translation>
    </message>
    <message>
        <source>Saved as a draft; not signed.</source>
        <translation>Gemt som kladde; ikke underskrevet.</translation>
    </message>
    <message>
        <source>Saved as a draft, but not signed: %1</source>
        <translation>Gemt som kladde, men ikke underskrevet: %1</translation>
    </message>
</context>
<context>
    <name>GroupSessionDialog</name>
    <message>
        <source>Group session</source>
        <translation>Gruppesession</translation>
    </message>
    <message>
        <source>1. Participants</source>
        <translation>1. Deltagere</translation>
    </message>
    <message>
        <source>&amp;Create group session</source>
        <translation>&amp;Opret gruppesession</translation>
    </message>
    <message>
        <source>Track</source>
        <translation>Spor</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>Dato</translation>
    </message>
    <message>
        <source>Active courses</source>
        <translation>Aktive forløb</translation>
    </message>
    <message>
        <source>2. Shared content (copied to each child&apos;s journal: name no one)</source>
        <translation>2. Fælles indhold (kopieres til hvert barns journal: nævn ingen ved navn)</translation>
    </message>
    <message>
        <source>3. Each child on their own</source>
        <translation>3. Hvert barn for sig</translation>
    </message>
    <message>
        <source>Child</source>
        <translation>Barn</translation>
    </message>
    <message>
        <source>Attendance</source>
        <translation>Fremmøde</translation>
    </message>
    <message>
        <source>Own notes about the child</source>
        <translation>Egne noter om barnet</translation>
    </message>
    <message>
        <source>Save &amp;draft</source>
        <translation>Gem &amp;kladde</translation>
    </message>
    <message>
        <source>Save and &amp;sign…</source>
        <translation>Gem og &amp;underskriv…</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Luk</translation>
    </message>
    <message>
        <source>Saved as a draft.</source>
        <translation>Gemt som kladde.</translation>
    </message>
    <message>
        <source>Sign the group session</source>
        <translation>Underskriv gruppesession</translation>
    </message>
    <message>
        <source>Each child gets a journal entry of their own with the shared content and their own notes.

Your passphrase:</source>
        <translation>Hvert barn får sit eget journalnotat med det fælles indhold og egne noter.

Din adgangskode:</translation>
    </message>
    <message>
        <source>Suicide risk of %1: crisis plan and risk check</source>
        <translation>Selvmordsrisiko for %1: kriseplan og risikotjek</translation>
    </message>
    <message>
        <source>(not checked)</source>
        <translation>(ikke tjekket)</translation>
    </message>
    <message>
        <source>Risk check (assessed level):</source>
        <translation>Risikotjek (vurderet niveau):</translation>
    </message>
    <message>
        <source>Risk check note:</source>
        <translation>Risikotjek, note:</translation>
    </message>
</context>
<context>
    <name>JournalTab</name>
    <message>
        <source>draft</source>
        <translation>kladde</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt; · %2 · %3 (%4), signed %5</source>
        <translation>&lt;b&gt;%1&lt;/b&gt; · %2 · %3 (%4), underskrevet %5</translation>
    </message>
    <message>
        <source>imported without proof of signature</source>
        <translation>importeret uden signaturbevis</translation>
    </message>
    <message>
        <source>Set aside: another correction of the same entry, made on another device at the same time, was chosen when the conflict was resolved. Kept, not current.</source>
        <translation>Fravalgt: en anden rettelse af samme notat, skrevet på en anden enhed samtidig, blev valgt, da konflikten blev løst. Bevaret, men gælder ikke.</translation>
    </message>
    <message>
        <source>Corrected by %1 on %2; see the correction below.</source>
        <translation>Rettet af %1 den %2; se rettelsen nedenfor.</translation>
    </message>
    <message>
        <source>  (corrected)</source>
        <translation>  (rettet)</translation>
    </message>
    <message>
        <source>  (set aside)</source>
        <translation>  (fravalgt)</translation>
    </message>
    <message>
        <source>&lt;i&gt;No journal entries yet.&lt;/i&gt;</source>
        <translation>&lt;i&gt;Ingen journalnotater endnu.&lt;/i&gt;</translation>
    </message>
</context>
<context>
    <name>LetterPreviewDialog</name>
    <message>
        <source>Review the letter to the GP</source>
        <translation>Gennemse brev til egen læge</translation>
    </message>
    <message>
        <source>Read the letter through. When you save, the disclosure is recorded in the journal (what, to whom, when and on what basis): %1.</source>
        <translation>Læs brevet igennem. Når du gemmer, journalføres udleveringen (hvad, til hvem, hvornår og på hvilket grundlag): %1.</translation>
    </message>
    <message>
        <source>Save &amp;PDF…</source>
        <translation>Gem &amp;PDF…</translation>
    </message>
    <message>
        <source>Save PDF and &amp;MedCom file…</source>
        <translation>Gem PDF og &amp;MedCom-fil…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Annullér</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>%1 (demo)</source>
        <translation>%1 (demo)</translation>
    </message>
    <message>
        <source>Search by name or CPR…  (Ctrl+F)</source>
        <translation>Søg på navn eller CPR…  (Ctrl+F)</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Filer</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Afslut</translation>
    </message>
    <message>
        <source>&amp;Child</source>
        <translation>&amp;Barn</translation>
    </message>
    <message>
        <source>Sea&amp;rch</source>
        <translation>Sø&amp;g</translation>
    </message>
    <message>
        <source>&amp;New child…</source>
        <translation>&amp;Nyt barn…</translation>
    </message>
    <message>
        <source>New &amp;course…</source>
        <translation>Nyt &amp;forløb…</translation>
    </message>
    <message>
        <source>New &amp;session</source>
        <translation>Ny &amp;session</translation>
    </message>
    <message>
        <source>&amp;Work list</source>
        <translation>&amp;Arbejdsliste</translation>
    </message>
    <message>
        <source>Tools</source>
        <translation>Værktøjer</translation>
    </message>
    <message>
        <source>The draft is not saved</source>
        <translation>Kladden er ikke gemt</translation>
    </message>
    <message>
        <source>The draft could not be saved. Quit anyway?</source>
        <translation>Kladden kunne ikke gemmes. Afslut alligevel?</translation>
    </message>
    <message>
        <source>%1 found of %2 children</source>
        <translation>%1 fundet af %2 børn</translation>
    </message>
    <message>
        <source>%1 children</source>
        <translation>%1 børn</translation>
    </message>
    <message>
        <source>The child is registered</source>
        <translation>Barnet er oprettet</translation>
    </message>
    <message>
        <source>New course</source>
        <translation>Nyt forløb</translation>
    </message>
    <message>
        <source>Choose a child first.</source>
        <translation>Vælg først et barn.</translation>
    </message>
    <message>
        <source>%1

The course cannot start before the consent is recorded. Record it now?</source>
        <translation>%1

Forløbet kan ikke starte, før samtykket er registreret. Registrér det nu?</translation>
    </message>
    <message>
        <source>Record consent</source>
        <translation>Registrér samtykke</translation>
    </message>
    <message>
        <source>Show the course anyway</source>
        <translation>Vis forløbet alligevel</translation>
    </message>
    <message>
        <source>The course is created</source>
        <translation>Forløbet er oprettet</translation>
    </message>
    <message>
        <source>New session</source>
        <translation>Ny session</translation>
    </message>
    <message>
        <source>Choose a child and an active course first.</source>
        <translation>Vælg først et barn og et aktivt forløb.</translation>
    </message>
    <message>
        <source>%1, signed by %2 (%3) on %4</source>
        <translation>%1, underskrevet af %2 (%3) den %4</translation>
    </message>
    <message>
        <source>Session %1 (signed)</source>
        <translation>Session %1 (underskrevet)</translation>
    </message>
    <message>
        <source>Session %1 (draft by %2)</source>
        <translation>Session %1 (kladde af %2)</translation>
    </message>
    <message>
        <source>Only the author can change and sign this draft.

%1</source>
        <translation>Kun forfatteren kan ændre og underskrive denne kladde.

%1</translation>
    </message>
</context>
<context>
    <name>NewChildDialog</name>
    <message>
        <source>New child</source>
        <translation>Nyt barn</translation>
    </message>
    <message>
        <source>(not given)</source>
        <translation>(ikke angivet)</translation>
    </message>
    <message>
        <source>&amp;First name:</source>
        <translation>&amp;Fornavn:</translation>
    </message>
    <message>
        <source>&amp;Last name:</source>
        <translation>&amp;Efternavn:</translation>
    </message>
    <message>
        <source>&amp;CPR number:</source>
        <translation>&amp;CPR-nummer:</translation>
    </message>
    <message>
        <source>&amp;Home municipality:</source>
        <translation>&amp;Bopælskommune:</translation>
    </message>
    <message>
        <source>&amp;Treating municipality:</source>
        <translation>Be&amp;handlende kommune:</translation>
    </message>
    <message>
        <source>&amp;GP:</source>
        <translation>Egen &amp;læge:</translation>
    </message>
    <message>
        <source>Parents</source>
        <translation>Forældre</translation>
    </message>
    <message>
        <source>custody</source>
        <translation>forældremyndighed</translation>
    </message>
    <message>
        <source>Parent %1:</source>
        <translation>Forælder %1:</translation>
    </message>
    <message>
        <source>C&amp;reate</source>
        <translation>&amp;Opret</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Annullér</translation>
    </message>
    <message>
        <source>Born %1, %2.</source>
        <translation>Født %1, %2.</translation>
    </message>
    <message>
        <source>Type both first name and last name.</source>
        <translation>Skriv både fornavn og efternavn.</translation>
    </message>
</context>
<context>
    <name>NewCourseDialog</name>
    <message>
        <source>New course</source>
        <translation>Nyt forløb</translation>
    </message>
    <message>
        <source>New treatment course for &lt;b&gt;%1&lt;/b&gt;</source>
        <translation>Nyt behandlingsforløb for &lt;b&gt;%1&lt;/b&gt;</translation>
    </message>
    <message>
        <source>%1 (%2-%3 years, %4 sessions)</source>
        <translation>%1 (%2-%3 år, %4 sessioner)</translation>
    </message>
    <message>
        <source>%1 - outside the child&apos;s age</source>
        <translation>%1 - uden for barnets alder</translation>
    </message>
    <message>
        <source>&amp;Track:</source>
        <translation>&amp;Spor:</translation>
    </message>
    <message>
        <source>&amp;Start date:</source>
        <translation>S&amp;tartdato:</translation>
    </message>
    <message>
        <source>&amp;Planned sessions:</source>
        <translation>&amp;Planlagte sessioner:</translation>
    </message>
    <message>
        <source>&amp;Format:</source>
        <translation>&amp;Format:</translation>
    </message>
    <message>
        <source>Why this track suits the child anyway</source>
        <translation>Hvorfor sporet alligevel passer til barnet</translation>
    </message>
    <message>
        <source>&amp;Reason for the age:</source>
        <translation>&amp;Begrundelse for alderen:</translation>
    </message>
    <message>
        <source>Starts an&amp;other way (outside the screening pathway)</source>
        <translation>Starter ad &amp;anden vej (uden om screeningen)</translation>
    </message>
    <message>
        <source>How the course came about, e.g. referred by PPR by agreement</source>
        <translation>Hvordan forløbet kom i stand, fx henvist af PPR efter aftale</translation>
    </message>
    <message>
        <source>&amp;How:</source>
        <translation>&amp;Hvordan:</translation>
    </message>
    <message>
        <source>&amp;Create course</source>
        <translation>&amp;Opret forløb</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Annullér</translation>
    </message>
    <message>
        <source>The course skips the screening pathway: it is recorded and counted as started another way.</source>
        <translation>Forløbet går uden om screeningen: det registreres og tælles som startet ad anden vej.</translation>
    </message>
</context>
<context>
    <name>PathwayActions</name>
    <message>
        <source>Contact</source>
        <translation>Henvendelse</translation>
    </message>
    <message>
        <source>Intake talk</source>
        <translation>Forsamtale</translation>
    </message>
    <message>
        <source>Screening talk</source>
        <translation>Screeningssamtale</translation>
    </message>
    <message>
        <source>Consent</source>
        <translation>Samtykke</translation>
    </message>
    <message>
        <source>Coordination</source>
        <translation>Koordinering</translation>
    </message>
    <message>
        <source>Notification of concern (Barnets lov §133)</source>
        <translation>Underretning (Barnets lov §133)</translation>
    </message>
    <message>
        <source>Closing the course</source>
        <translation>Afslutning af forløb</translation>
    </message>
    <message>
        <source>Follow-up / booster</source>
        <translation>Opfølgning / booster</translation>
    </message>
    <message>
        <source>&amp;Pathway steps</source>
        <translation>Forløbs&amp;trin</translation>
    </message>
    <message>
        <source>New &amp;contact…</source>
        <translation>Ny &amp;henvendelse…</translation>
    </message>
    <message>
        <source>&amp;Intake talk…</source>
        <translation>&amp;Forsamtale…</translation>
    </message>
    <message>
        <source>&amp;Screening…</source>
        <translation>&amp;Screening…</translation>
    </message>
    <message>
        <source>S&amp;DQ…</source>
        <translation>S&amp;DQ…</translation>
    </message>
    <message>
        <source>Co&amp;nsent…</source>
        <translation>Sam&amp;tykke…</translation>
    </message>
    <message>
        <source>Coo&amp;rdination…</source>
        <translation>&amp;Koordinering…</translation>
    </message>
    <message>
        <source>&amp;Group session…</source>
        <translation>&amp;Gruppesession…</translation>
    </message>
    <message>
        <source>Cancelled/missed session…</source>
        <translation>Aflyst/udeblevet session…</translation>
    </message>
    <message>
        <source>Change &amp;track…</source>
        <translation>Skift s&amp;por…</translation>
    </message>
    <message>
        <source>C&amp;lose course…</source>
        <translation>&amp;Afslut forløb…</translation>
    </message>
    <message>
        <source>&amp;Follow-up…</source>
        <translation>&amp;Opfølgning…</translation>
    </message>
    <message>
        <source>N&amp;otification of concern…</source>
        <translation>&amp;Underretning…</translation>
    </message>
    <message>
        <source>Ne&amp;xt step</source>
        <translation>Næst&amp;e trin</translation>
    </message>
    <message>
        <source>Correct journal &amp;entry…</source>
        <translation>&amp;Ret journalnotat…</translation>
    </message>
    <message>
        <source>R&amp;ate manual fidelity for the session…</source>
        <translation>&amp;Vurdér manualtroskab for sessionen…</translation>
    </message>
    <message>
        <source>Send session for super&amp;vision</source>
        <translation>Se&amp;nd session til supervision</translation>
    </message>
    <message>
        <source>Supervision &amp;meeting…</source>
        <translation>Supervisions&amp;møde…</translation>
    </message>
    <message>
        <source>Reports and manual fidelity…</source>
        <translation>Rapporter og manualtroskab…</translation>
    </message>
    <message>
        <source>Choose a child first.</source>
        <translation>Vælg først et barn.</translation>
    </message>
    <message>
        <source>Choose a course first.</source>
        <translation>Vælg først et forløb.</translation>
    </message>
    <message>
        <source>Record the contact first.</source>
        <translation>Registrér først henvendelsen.</translation>
    </message>
    <message>
        <source>Sign the SDQ</source>
        <translation>Underskriv SDQ</translation>
    </message>
    <message>
        <source>The SDQ is saved in the child&apos;s record signed with your name and the time, and cannot be changed afterwards (a mistake is corrected by a new form).

Type your passphrase to sign:</source>
        <translation>SDQ&apos;en gemmes i barnets journal, underskrevet med dit navn og tidspunktet, og kan ikke ændres bagefter (en fejl rettes med et nyt skema).

Skriv din adgangskode for at underskrive:</translation>
    </message>
    <message>
        <source>No follow-up is planned for the child.</source>
        <translation>Der er ingen planlagt opfølgning for barnet.</translation>
    </message>
    <message>
        <source>Absence</source>
        <translation>Fravær</translation>
    </message>
    <message>
        <source>Did the child or family not turn up (Yes), or was the session cancelled (No)?</source>
        <translation>Udeblev barnet/familien (Ja), eller blev sessionen aflyst (Nej)?</translation>
    </message>
    <message>
        <source>Did not attend</source>
        <translation>Udeblevet</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>Aflyst</translation>
    </message>
    <message>
        <source>Change track</source>
        <translation>Skift spor</translation>
    </message>
    <message>
        <source>New track (type the exact name):</source>
        <translation>Nyt spor (skriv navnet præcist):</translation>
    </message>
    <message>
        <source>Unknown track: %1</source>
        <translation>Ukendt spor: %1</translation>
    </message>
    <message>
        <source>Reason for the change:</source>
        <translation>Begrundelse for skiftet:</translation>
    </message>
    <message>
        <source>Sign</source>
        <translation>Underskriv</translation>
    </message>
    <message>
        <source>Your passphrase:</source>
        <translation>Din adgangskode:</translation>
    </message>
    <message>
        <source>Correct journal entry</source>
        <translation>Ret journalnotat</translation>
    </message>
    <message>
        <source>Choose the entry on the Journal tab.</source>
        <translation>Vælg notatet under fanen Journal.</translation>
    </message>
    <message>
        <source>The correction is added as a new, signed entry; the original is kept and shown struck through.</source>
        <translation>Rettelsen tilføjes som et nyt, underskrevet notat; det oprindelige bevares og vises overstreget.</translation>
    </message>
    <message>
        <source>Sign the correction</source>
        <translation>Underskriv rettelse</translation>
    </message>
    <message>
        <source>Choose a signed session on the Courses tab.</source>
        <translation>Vælg en underskrevet session under fanen Forløb.</translation>
    </message>
    <message>
        <source>Self-rating of manual fidelity</source>
        <translation>Selvvurdering af manualtroskab</translation>
    </message>
    <message>
        <source>&lt;b&gt;Self-rating&lt;/b&gt;: kept apart from the supervisor&apos;s rating.</source>
        <translation>&lt;b&gt;Selvvurdering&lt;/b&gt;: gemmes adskilt fra supervisors vurdering.</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>Dato</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Type</translation>
    </message>
    <message>
        <source>Group supervision</source>
        <translation>Gruppesupervision</translation>
    </message>
    <message>
        <source>Individual supervision</source>
        <translation>Individuel supervision</translation>
    </message>
    <message>
        <source>Course discussed</source>
        <translation>Forløb drøftet</translation>
    </message>
    <message>
        <source>Notes</source>
        <translation>Noter</translation>
    </message>
    <message>
        <source>Supervision meeting</source>
        <translation>Supervisionsmøde</translation>
    </message>
    <message>
        <source>&lt;b&gt;Supervision meeting&lt;/b&gt;</source>
        <translation>&lt;b&gt;Supervisionsmøde&lt;/b&gt;</translation>
    </message>
    <message>
        <source>Supervision</source>
        <translation>Supervision</translation>
    </message>
    <message>
        <source>The session has been sent for supervision.</source>
        <translation>Sessionen er sendt til supervision.</translation>
    </message>
</context>
<context>
    <name>PathwayForms</name>
    <message>
        <source>No decision yet (a second intake talk follows)</source>
        <translation>Ingen beslutning endnu (forsamtale 2 følger)</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>Dato</translation>
    </message>
    <message>
        <source>Contact made by</source>
        <translation>Henvendt af</translation>
    </message>
    <message>
        <source>Which professional / relation</source>
        <translation>Hvilken fagperson / relation</translation>
    </message>
    <message>
        <source>Way in</source>
        <translation>Vej ind</translation>
    </message>
    <message>
        <source>Channel</source>
        <translation>Kanal</translation>
    </message>
    <message>
        <source>What the contact is about</source>
        <translation>Hvad henvendelsen handler om</translation>
    </message>
    <message>
        <source>The municipality&apos;s categories (reported to the national monitoring)</source>
        <translation>Kommunens kategorier (indberettes til den nationale monitorering)</translation>
    </message>
    <message>
        <source>Concern (reason for the contact)</source>
        <translation>Bekymring (årsag til henvendelsen)</translation>
    </message>
    <message>
        <source>Reason if the child is outside 5-17 on the date</source>
        <translation>Begrundelse, hvis barnet er uden for 5-17 år på datoen</translation>
    </message>
    <message>
        <source>The offer is for 5-17-year-olds, e.g. &apos;turns 5 next month&apos;</source>
        <translation>Tilbuddet er for 5-17-årige, fx &apos;fylder 5 næste måned&apos;</translation>
    </message>
    <message>
        <source>Consent to obtain information</source>
        <translation>Samtykke til at indhente oplysninger</translation>
    </message>
    <message>
        <source>Consent to share information</source>
        <translation>Samtykke til at dele oplysninger</translation>
    </message>
    <message>
        <source>Intake talk no.</source>
        <translation>Forsamtale nr.</translation>
    </message>
    <message>
        <source>Duration (min)</source>
        <translation>Varighed (min)</translation>
    </message>
    <message>
        <source>The talk</source>
        <translation>Samtalen</translation>
    </message>
    <message>
        <source>Decision</source>
        <translation>Beslutning</translation>
    </message>
    <message>
        <source>Reasoning</source>
        <translation>Begrundelse</translation>
    </message>
    <message>
        <source>Group 2: guided on to (category)</source>
        <translation>Gruppe 2: vejledt videre til (kategori)</translation>
    </message>
    <message>
        <source>Group 2: guided on to</source>
        <translation>Gruppe 2: vejledt videre til</translation>
    </message>
    <message>
        <source>Group 4: referral to BUP</source>
        <translation>Gruppe 4: henvisning til BUP</translation>
    </message>
    <message>
        <source>The child&apos;s own account</source>
        <translation>Barnets egen fortælling</translation>
    </message>
    <message>
        <source>Symptoms</source>
        <translation>Symptomer</translation>
    </message>
    <message>
        <source>Systematic questions about self-harm were asked</source>
        <translation>Systematiske spørgsmål om selvskade er stillet</translation>
    </message>
    <message>
        <source>Answers about self-harm</source>
        <translation>Svar om selvskade</translation>
    </message>
    <message>
        <source>Suicidal thoughts</source>
        <translation>Selvmordstanker</translation>
    </message>
    <message>
        <source>Plans</source>
        <translation>Planer</translation>
    </message>
    <message>
        <source>Earlier attempts</source>
        <translation>Tidligere forsøg</translation>
    </message>
    <message>
        <source>Protective factors</source>
        <translation>Beskyttende faktorer</translation>
    </message>
    <message>
        <source>Assessed risk level</source>
        <translation>Vurderet risikoniveau</translation>
    </message>
    <message>
        <source>(not assessed)</source>
        <translation>(ikke vurderet)</translation>
    </message>
    <message>
        <source>Crisis plan: warning signs</source>
        <translation>Kriseplan: advarselstegn</translation>
    </message>
    <message>
        <source>Required at moderate, high or acute risk</source>
        <translation>Skal udfyldes ved moderat, høj eller akut risiko</translation>
    </message>
    <message>
        <source>Crisis plan: own coping strategies</source>
        <translation>Kriseplan: egne mestringsstrategier</translation>
    </message>
    <message>
        <source>Crisis plan: people to contact</source>
        <translation>Kriseplan: personer at kontakte</translation>
    </message>
    <message>
        <source>Crisis plan: professional contacts</source>
        <translation>Kriseplan: professionelle kontakter</translation>
    </message>
    <message>
        <source>Crisis plan: means safety</source>
        <translation>Kriseplan: sikring af midler</translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation>Udfald</translation>
    </message>
    <message>
        <source>(not decided)</source>
        <translation>(ikke afgjort)</translation>
    </message>
    <message>
        <source>Track (when a course is offered)</source>
        <translation>Spor (ved tilbud om forløb)</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>(intet)</translation>
    </message>
    <message>
        <source>The young person</source>
        <translation>Den unge selv</translation>
    </message>
    <message>
        <source>(not a parent)</source>
        <translation>(ikke en forælder)</translation>
    </message>
    <message>
        <source> (without custody)</source>
        <translation> (uden forældremyndighed)</translation>
    </message>
    <message>
        <source>Consent to</source>
        <translation>Samtykke til</translation>
    </message>
    <message>
        <source>Disclosure to</source>
        <translation>Videregivelse til</translation>
    </message>
    <message>
        <source>(not relevant)</source>
        <translation>(ikke relevant)</translation>
    </message>
    <message>
        <source>Reasoning (required unless a course is offered)</source>
        <translation>Begrundelse (kræves, medmindre der tilbydes et forløb)</translation>
    </message>
    <message>
        <source>Stated in the letter to the GP, who cannot read the journal</source>
        <translation>Står i brevet til egen læge, som ikke kan se journalen</translation>
    </message>
    <message>
        <source>Mention the notification in the letter to the GP</source>
        <translation>Nævn underretningen i brevet til egen læge</translation>
    </message>
    <message>
        <source>Your own decision, signed with the outcome</source>
        <translation>Din egen beslutning, underskrevet med udfaldet</translation>
    </message>
    <message>
        <source>Given by</source>
        <translation>Givet af</translation>
    </message>
    <message>
        <source>Parent with custody</source>
        <translation>Forælder med forældremyndighed</translation>
    </message>
    <message>
        <source>Parent</source>
        <translation>Forælder</translation>
    </message>
    <message>
        <source>Exception under §17(2) (15-17 years)</source>
        <translation>Undtagelse efter §17, stk. 2 (15-17 år)</translation>
    </message>
    <message>
        <source>Note / reasoning</source>
        <translation>Note / begrundelse</translation>
    </message>
    <message>
        <source>Partner</source>
        <translation>Samarbejdspartner</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Type</translation>
    </message>
    <message>
        <source>Coordination</source>
        <translation>Koordinering</translation>
    </message>
    <message>
        <source>Sparring (BUP)</source>
        <translation>Sparring (BUP)</translation>
    </message>
    <message>
        <source>Referral to BUP during the course</source>
        <translation>Henvisning til BUP under forløbet</translation>
    </message>
    <message>
        <source>Minutes</source>
        <translation>Referat</translation>
    </message>
    <message>
        <source>Recipient</source>
        <translation>Modtager</translation>
    </message>
    <message>
        <source>Grounds</source>
        <translation>Grundlag</translation>
    </message>
    <message>
        <source>Closing</source>
        <translation>Afslutning</translation>
    </message>
    <message>
        <source>Completed</source>
        <translation>Gennemført</translation>
    </message>
    <message>
        <source>Dropped out</source>
        <translation>Frafald</translation>
    </message>
    <message>
        <source>Effect</source>
        <translation>Effekt</translation>
    </message>
    <message>
        <source>(choose)</source>
        <translation>(vælg)</translation>
    </message>
    <message>
        <source>Why the course ended</source>
        <translation>Årsag til at forløbet sluttede</translation>
    </message>
    <message>
        <source>Content of the course</source>
        <translation>Forløbets indhold</translation>
    </message>
    <message>
        <source>Further needs</source>
        <translation>Videre behov</translation>
    </message>
    <message>
        <source>Recommendations</source>
        <translation>Anbefalinger</translation>
    </message>
    <message>
        <source>Reasoning if the criteria are not met</source>
        <translation>Begrundelse, hvis kriterierne ikke er opfyldt</translation>
    </message>
    <message>
        <source>Effect and status</source>
        <translation>Effekt og status</translation>
    </message>
    <message>
        <source>Effect at the follow-up</source>
        <translation>Effekt ved opfølgningen</translation>
    </message>
    <message>
        <source>Relapse</source>
        <translation>Tilbagefald</translation>
    </message>
    <message>
        <source>Needs more help</source>
        <translation>Behov for mere hjælp</translation>
    </message>
</context>
<context>
    <name>QuarantineDialog</name>
    <message>
        <source>Records in quarantine</source>
        <translation>Poster i karantæne</translation>
    </message>
    <message>
        <source>Record</source>
        <translation>Post</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>Dato</translation>
    </message>
    <message>
        <source>Author</source>
        <translation>Forfatter</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Årsag</translation>
    </message>
    <message>
        <source>Held</source>
        <translation>Holdes</translation>
    </message>
    <message>
        <source>%1 records are in quarantine. Nothing in quarantine is deleted; the administrator goes through it (behandlerklient-server quarantine list).</source>
        <translation>%1 poster er i karantæne. Intet i karantæne slettes; administratoren gennemgår den (behandlerklient-server quarantine list).</translation>
    </message>
    <message>
        <source>Nothing is in quarantine.</source>
        <translation>Intet er i karantæne.</translation>
    </message>
</context>
<context>
    <name>ReportDialog</name>
    <message>
        <source>Sessions</source>
        <translation>Sessioner</translation>
    </message>
    <message>
        <source>Reviewed</source>
        <translation>Gennemgået</translation>
    </message>
    <message>
        <source>Self-rating</source>
        <translation>Selvvurdering</translation>
    </message>
    <message>
        <source>Supervisor</source>
        <translation>Supervisor</translation>
    </message>
    <message>
        <source>Difference</source>
        <translation>Forskel</translation>
    </message>
    <message>
        <source>Reports</source>
        <translation>Rapporter</translation>
    </message>
    <message>
        <source>From</source>
        <translation>Fra</translation>
    </message>
    <message>
        <source>To</source>
        <translation>Til</translation>
    </message>
    <message>
        <source>By therapist</source>
        <translation>Pr. behandler</translation>
    </message>
    <message>
        <source>By track</source>
        <translation>Pr. spor</translation>
    </message>
    <message>
        <source>Over time</source>
        <translation>Over tid</translation>
    </message>
    <message>
        <source>&lt;b&gt;Manual fidelity&lt;/b&gt;: the self-rating and the supervisor&apos;s rating are shown apart; the difference is self-rating minus supervisor.</source>
        <translation>&lt;b&gt;Manualtroskab&lt;/b&gt;: selvvurdering og supervisors vurdering vises hver for sig; forskellen er selvvurdering minus supervisor.</translation>
    </message>
    <message>
        <source>Manual fidelity as &amp;PDF…</source>
        <translation>Manualtroskab som &amp;PDF…</translation>
    </message>
    <message>
        <source>&amp;Activity report (PDF)…</source>
        <translation>&amp;Aktivitetsrapport (PDF)…</translation>
    </message>
    <message>
        <source>Pseudonymised &amp;CSV…</source>
        <translation>Pseudonymiseret &amp;CSV…</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Luk</translation>
    </message>
    <message>
        <source>Calculating…</source>
        <translation>Beregner…</translation>
    </message>
    <message>
        <source>%1 points</source>
        <translation>%1 point</translation>
    </message>
    <message>
        <source>%1 sessions; %2 reviewed by a supervisor.</source>
        <translation>%1 sessioner; %2 gennemgået af supervisor.</translation>
    </message>
    <message>
        <source>Save report</source>
        <translation>Gem rapport</translation>
    </message>
    <message>
        <source>Making the report…</source>
        <translation>Laver rapporten…</translation>
    </message>
    <message>
        <source>The report was not saved</source>
        <translation>Rapporten blev ikke gemt</translation>
    </message>
    <message>
        <source>Report saved</source>
        <translation>Rapport gemt</translation>
    </message>
</context>
<context>
    <name>ReviewDialog</name>
    <message>
        <source>Supervision of a session</source>
        <translation>Supervision af session</translation>
    </message>
    <message>
        <source>&lt;h3&gt;%1: session %2&lt;/h3&gt;Therapist: %3 · %4</source>
        <translation>&lt;h3&gt;%1: session %2&lt;/h3&gt;Behandler: %3 · %4</translation>
    </message>
    <message>
        <source>&lt;p&gt;&lt;i&gt;The clinical content is not shown (setting).&lt;/i&gt;&lt;/p&gt;</source>
        <translation>&lt;p&gt;&lt;i&gt;Det kliniske indhold vises ikke (indstilling).&lt;/i&gt;&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Your rating of manual fidelity (kept apart from the therapist&apos;s own)</source>
        <translation>Din vurdering af manualtroskab (gemmes adskilt fra behandlerens egen)</translation>
    </message>
    <message>
        <source>Item</source>
        <translation>Punkt</translation>
    </message>
    <message>
        <source>Followed</source>
        <translation>Efterlevet</translation>
    </message>
    <message>
        <source>Competence 0-6</source>
        <translation>Kompetence 0-6</translation>
    </message>
    <message>
        <source>Comment to the therapist (required when asking for changes)</source>
        <translation>Kommentar til behandleren (kræves ved ønskede ændringer)</translation>
    </message>
    <message>
        <source>&amp;Approve</source>
        <translation>&amp;Godkend</translation>
    </message>
    <message>
        <source>Ask for &amp;changes</source>
        <translation>Bed om æ&amp;ndringer</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Luk</translation>
    </message>
</context>
<context>
    <name>SdqDialog</name>
    <message>
        <source>Parent</source>
        <translation>Forælder</translation>
    </message>
    <message>
        <source>Teacher</source>
        <translation>Lærer</translation>
    </message>
    <message>
        <source>Self-report (11-17 years)</source>
        <translation>Selvrapport (11-17 år)</translation>
    </message>
    <message>
        <source>Before the course</source>
        <translation>Før forløb</translation>
    </message>
    <message>
        <source>During the course</source>
        <translation>Under forløb</translation>
    </message>
    <message>
        <source>At closing</source>
        <translation>Ved afslutning</translation>
    </message>
    <message>
        <source>Follow-up</source>
        <translation>Opfølgning</translation>
    </message>
    <message>
        <source>Emo.</source>
        <translation>Emo.</translation>
    </message>
    <message>
        <source>Cond.</source>
        <translation>Adf.</translation>
    </message>
    <message>
        <source>Hyp.</source>
        <translation>Hyp.</translation>
    </message>
    <message>
        <source>Peer</source>
        <translation>Jævn.</translation>
    </message>
    <message>
        <source>Pro.</source>
        <translation>Pro.</translation>
    </message>
    <message>
        <source>R</source>
        <translation>O</translation>
    </message>
    <message>
        <source>Difficulties overall (0-3)</source>
        <translation>Vanskeligheder samlet (0-3)</translation>
    </message>
    <message>
        <source>Distress</source>
        <translation>Belastning</translation>
    </message>
    <message>
        <source>Home life</source>
        <translation>Hjemmet</translation>
    </message>
    <message>
        <source>Friendships</source>
        <translation>Venskaber</translation>
    </message>
    <message>
        <source>Classroom learning</source>
        <translation>Læring i skolen</translation>
    </message>
    <message>
        <source>Leisure</source>
        <translation>Fritid</translation>
    </message>
    <message>
        <source>Peer relations</source>
        <translation>Kammerater</translation>
    </message>
    <message>
        <source>SDQ</source>
        <translation>SDQ</translation>
    </message>
    <message>
        <source>Enter the ticked answers by item number (0 = not true, 1 = somewhat true, 2 = certainly true; – = not answered). The wording of the items is not shown (licence).</source>
        <translation>Skriv de afkrydsede svar ind efter itemnummer (0 = passer ikke, 1 = passer delvist, 2 = passer godt; – = ikke besvaret). Spørgsmålenes ordlyd vises ikke (licens).</translation>
    </message>
    <message>
        <source>Suggested from the pathway: %1</source>
        <translation>Foreslået ud fra forløbet: %1</translation>
    </message>
    <message>
        <source>Answered by</source>
        <translation>Besvaret af</translation>
    </message>
    <message>
        <source>Time point</source>
        <translation>Tidspunkt</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>Dato</translation>
    </message>
    <message>
        <source>Answers (items 1-25, by number and scale; R = reverse-scored)</source>
        <translation>Svar (item 1-25 efter nummer og skala; O = omvendt scoret)</translation>
    </message>
    <message>
        <source>Emo. = emotional symptoms · Cond. = conduct problems · Hyp. = hyperactivity/inattention · Peer = peer problems · Pro. = prosocial behaviour</source>
        <translation>Emo. = emotionelle symptomer · Adf. = adfærdsproblemer · Hyp. = hyperaktivitet/opmærksomhed · Jævn. = problemer med jævnaldrende · Pro. = prosocial adfærd</translation>
    </message>
    <message>
        <source>Impact supplement (overall 0 = no, 1 = minor, 2 = definite, 3 = severe difficulties; questions 0 = not at all … 3 = a great deal)</source>
        <translation>Påvirkning (samlet 0 = ingen, 1 = små, 2 = tydelige, 3 = store vanskeligheder; spørgsmål 0 = slet ikke … 3 = rigtig meget)</translation>
    </message>
    <message>
        <source>&amp;Save and sign…</source>
        <translation>&amp;Gem og underskriv…</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Luk</translation>
    </message>
</context>
<context>
    <name>SdqTab</name>
    <message>
        <source>Parent</source>
        <translation>Forælder</translation>
    </message>
    <message>
        <source>Self-report</source>
        <translation>Selvrapport</translation>
    </message>
    <message>
        <source>Teacher</source>
        <translation>Lærer</translation>
    </message>
    <message>
        <source>Before the course</source>
        <translation>Før forløb</translation>
    </message>
    <message>
        <source>During the course</source>
        <translation>Under forløb</translation>
    </message>
    <message>
        <source>At closing</source>
        <translation>Ved afslutning</translation>
    </message>
    <message>
        <source>Follow-up</source>
        <translation>Opfølgning</translation>
    </message>
    <message>
        <source>No SDQ with a total yet.</source>
        <translation>Endnu ingen SDQ med samlet score.</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>Dato</translation>
    </message>
    <message>
        <source>Answered by</source>
        <translation>Besvaret af</translation>
    </message>
    <message>
        <source>Time point</source>
        <translation>Tidspunkt</translation>
    </message>
    <message>
        <source>Total</source>
        <translation>Samlet</translation>
    </message>
    <message>
        <source>Band (total)</source>
        <translation>Bånd (samlet)</translation>
    </message>
    <message>
        <source>Change since before</source>
        <translation>Ændring siden før</translation>
    </message>
    <message>
        <source>Emo.</source>
        <translation>Emo.</translation>
    </message>
    <message>
        <source>Cond.</source>
        <translation>Adf.</translation>
    </message>
    <message>
        <source>Hyp.</source>
        <translation>Hyp.</translation>
    </message>
    <message>
        <source>Peer</source>
        <translation>Jævn.</translation>
    </message>
    <message>
        <source>Pro.</source>
        <translation>Pro.</translation>
    </message>
    <message>
        <source>Impact</source>
        <translation>Påvirkning</translation>
    </message>
    <message>
        <source>No SDQ recorded for the child yet.</source>
        <translation>Der er endnu ingen SDQ for barnet.</translation>
    </message>
</context>
<context>
    <name>SessionEditorDialog</name>
    <message>
        <source>Session %1 - %2</source>
        <translation>Session %1 - %2</translation>
    </message>
    <message>
        <source> · Theme: %1</source>
        <translation> · Tema: %1</translation>
    </message>
    <message>
        <source>The session</source>
        <translation>Sessionen</translation>
    </message>
    <message>
        <source> min</source>
        <translation> min</translation>
    </message>
    <message>
        <source>&amp;Date</source>
        <translation>&amp;Dato</translation>
    </message>
    <message>
        <source>D&amp;uration</source>
        <translation>&amp;Varighed</translation>
    </message>
    <message>
        <source>&amp;Participants</source>
        <translation>D&amp;eltagere</translation>
    </message>
    <message>
        <source>&amp;Format</source>
        <translation>&amp;Format</translation>
    </message>
    <message>
        <source>The manual: %1</source>
        <translation>Manualen: %1</translation>
    </message>
    <message>
        <source>The draft is saved automatically (encrypted).</source>
        <translation>Kladden gemmes automatisk (krypteret).</translation>
    </message>
    <message>
        <source>Finish and save in the &amp;journal</source>
        <translation>Afslut og gem i &amp;journal</translation>
    </message>
    <message>
        <source>Ctrl+Enter</source>
        <translation>Ctrl+Enter</translation>
    </message>
    <message>
        <source>&amp;Save draft and close</source>
        <translation>&amp;Gem kladde og luk</translation>
    </message>
    <message>
        <source>Suicide risk: crisis plan and risk check</source>
        <translation>Selvmordsrisiko: kriseplan og risikotjek</translation>
    </message>
    <message>
        <source>(not checked)</source>
        <translation>(ikke tjekket)</translation>
    </message>
    <message>
        <source>Risk &amp;check (assessed level):</source>
        <translation>Risiko&amp;tjek (vurderet niveau):</translation>
    </message>
    <message>
        <source>Risk check &amp;note:</source>
        <translation>Risikotjek, &amp;note:</translation>
    </message>
    <message>
        <source>Changes not saved yet…</source>
        <translation>Ændringer ikke gemt endnu…</translation>
    </message>
    <message>
        <source>The draft could not be saved: %1</source>
        <translation>Kladden kunne ikke gemmes: %1</translation>
    </message>
    <message>
        <source>Draft saved at %1</source>
        <translation>Kladde gemt kl. %1</translation>
    </message>
    <message>
        <source>Sign session %1</source>
        <translation>Underskriv session %1</translation>
    </message>
    <message>
        <source>Once the session is saved in the journal, it is signed with your name and the time and cannot be changed afterwards (only corrected by a new, signed addition).

Type your passphrase to sign:</source>
        <translation>Når sessionen er gemt i journalen, er den underskrevet med dit navn og tidspunktet og kan ikke ændres bagefter (kun rettes med en ny, underskrevet tilføjelse).

Skriv din adgangskode for at underskrive:</translation>
    </message>
    <message>
        <source>The session was not signed</source>
        <translation>Sessionen blev ikke underskrevet</translation>
    </message>
    <message>
        <source>The draft is not saved</source>
        <translation>Kladden er ikke gemt</translation>
    </message>
    <message>
        <source>The draft could not be saved. Close anyway and lose the changes?</source>
        <translation>Kladden kunne ikke gemmes. Luk alligevel og mist ændringerne?</translation>
    </message>
</context>
<context>
    <name>SetupDialog</name>
    <message>
        <source>Create database</source>
        <translation>Opret database</translation>
    </message>
    <message>
        <source>There is no database yet. Create an encrypted database and the first user (administrator).
Location: %1</source>
        <translation>Der er ingen database endnu. Opret en krypteret database og den første bruger (administrator).
Placering: %1</translation>
    </message>
    <message>
        <source>&amp;User name:</source>
        <translation>&amp;Brugernavn:</translation>
    </message>
    <message>
        <source>&amp;Full name:</source>
        <translation>&amp;Fulde navn:</translation>
    </message>
    <message>
        <source>&amp;Title:</source>
        <translation>&amp;Titel:</translation>
    </message>
    <message>
        <source>&amp;Phone:</source>
        <translation>Tel&amp;efon:</translation>
    </message>
    <message>
        <source>P&amp;assphrase:</source>
        <translation>&amp;Adgangskode:</translation>
    </message>
    <message>
        <source>&amp;Repeat passphrase:</source>
        <translation>&amp;Gentag adgangskode:</translation>
    </message>
    <message>
        <source>Psychologist</source>
        <translation>Psykolog</translation>
    </message>
    <message>
        <source>Pr&amp;ofession:</source>
        <translation>Fagg&amp;ruppe:</translation>
    </message>
    <message>
        <source>&amp;Create</source>
        <translation>&amp;Opret</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Annullér</translation>
    </message>
    <message>
        <source>The two passphrases are not the same.</source>
        <translation>De to adgangskoder er ikke ens.</translation>
    </message>
</context>
<context>
    <name>SyncController</name>
    <message>
        <source>S&amp;ynchronise now</source>
        <translation>S&amp;ynkronisér nu</translation>
    </message>
    <message>
        <source>&amp;Conflicts and quarantine</source>
        <translation>Konflikter og &amp;karantæne</translation>
    </message>
    <message>
        <source>Quarantined &amp;records…</source>
        <translation>&amp;Poster i karantæne…</translation>
    </message>
    <message>
        <source>The connection to the server broke off: %1</source>
        <translation>Forbindelsen til serveren blev afbrudt: %1</translation>
    </message>
    <message>
        <source>The sync failed (%1); the next one tries again.</source>
        <translation>Synkroniseringen mislykkedes (%1); den næste prøver igen.</translation>
    </message>
    <message>
        <source>Synchronising before locking…</source>
        <translation>Synkroniserer før låsning…</translation>
    </message>
    <message>
        <source>Not enrolled with a server</source>
        <translation>Ikke tilmeldt server</translation>
    </message>
    <message>
        <source>This computer works on its own and sends nothing. An administrator enrols it with: behandlerklient sync enroll</source>
        <translation>Denne computer arbejder alene og sender intet. En administrator tilmelder den med: behandlerklient sync enroll</translation>
    </message>
    <message>
        <source>%1 waiting</source>
        <translation>%1 venter</translation>
    </message>
    <message>
        <source>1 conflict</source>
        <translation>1 konflikt</translation>
    </message>
    <message>
        <source>%1 conflicts</source>
        <translation>%1 konflikter</translation>
    </message>
    <message>
        <source>Synchronising…</source>
        <translation>Synkroniserer…</translation>
    </message>
    <message>
        <source>Offline: %1 waiting</source>
        <translation>Offline: %1 venter</translation>
    </message>
    <message>
        <source>Not synchronised: %1 waiting</source>
        <translation>Ikke synkroniseret: %1 venter</translation>
    </message>
    <message>
        <source>Synchronised %1</source>
        <translation>Synkroniseret %1</translation>
    </message>
    <message>
        <source>Not synchronised yet</source>
        <translation>Ikke synkroniseret endnu</translation>
    </message>
    <message>
        <source>%1 waiting for their author&apos;s key</source>
        <translation>%1 venter på forfatterens nøgle</translation>
    </message>
    <message>
        <source>Server %1, as %2</source>
        <translation>Server %1, som %2</translation>
    </message>
    <message>
        <source>Last error: %1</source>
        <translation>Seneste fejl: %1</translation>
    </message>
    <message>
        <source>Quarantine: %1 received records refused here; %2 of yours held by the server (%3 of them as conflicts).</source>
        <translation>Karantæne: %1 modtagne poster afvist her; %2 af dine holdt tilbage af serveren (heraf %3 som konflikter).</translation>
    </message>
    <message>
        <source>%1 in quarantine</source>
        <translation>%1 i karantæne</translation>
    </message>
    <message>
        <source>Show the records in quarantine (Ctrl+F9)</source>
        <translation>Vis posterne i karantæne (Ctrl+F9)</translation>
    </message>
    <message>
        <source>This computer is not enrolled with a sync server: nothing is in quarantine.</source>
        <translation>Denne computer er ikke tilmeldt en synkroniseringsserver: intet er i karantæne.</translation>
    </message>
    <message>
        <source>In quarantine: %1 records received from the server were refused on this computer, and the server holds %2 of yours (%3 of them as conflicts with another device&apos;s record). Nothing in quarantine is deleted; the administrator goes through it.</source>
        <translation>I karantæne: %1 poster modtaget fra serveren blev afvist på denne computer, og serveren holder %2 af dine tilbage (heraf %3 som konflikt med en anden enheds post). Intet i karantæne slettes; administratoren gennemgår det.</translation>
    </message>
</context>
<context>
    <name>TimelineTab</name>
    <message>
        <source>Signed</source>
        <translation>Underskrevet</translation>
    </message>
    <message>
        <source>Draft</source>
        <translation>Kladde</translation>
    </message>
    <message>
        <source>Planned</source>
        <translation>Planlagt</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>Gennemført</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>Dato</translation>
    </message>
    <message>
        <source>Step</source>
        <translation>Trin</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Signed by</source>
        <translation>Underskrevet af</translation>
    </message>
    <message>
        <source>intake talk %1 days</source>
        <translation>forsamtale %1 dage</translation>
    </message>
    <message>
        <source>no intake talk yet</source>
        <translation>ingen forsamtale endnu</translation>
    </message>
    <message>
        <source>screening %1 days</source>
        <translation>screening %1 dage</translation>
    </message>
    <message>
        <source>course start %1 days</source>
        <translation>forløbsstart %1 dage</translation>
    </message>
    <message>
        <source>Contact %1: %2</source>
        <translation>Henvendelse %1: %2</translation>
    </message>
    <message>
        <source>&lt;b&gt;Waiting time&lt;/b&gt;</source>
        <translation>&lt;b&gt;Ventetid&lt;/b&gt;</translation>
    </message>
</context>
<context>
    <name>UnlockDialog</name>
    <message>
        <source>Unlock Behandlerklient</source>
        <translation>Lås Behandlerklient op</translation>
    </message>
    <message>
        <source>&lt;b&gt;Behandlerklient&lt;/b&gt;&lt;br&gt;The journal is encrypted. Type your passphrase.</source>
        <translation>&lt;b&gt;Behandlerklient&lt;/b&gt;&lt;br&gt;Journalen er krypteret. Skriv din adgangskode.</translation>
    </message>
    <message>
        <source>Database: %1</source>
        <translation>Database: %1</translation>
    </message>
    <message>
        <source>Demo database with synthetic children. Passphrase: &lt;b&gt;%1&lt;/b&gt;&lt;br&gt;Log in as &lt;b&gt;demo&lt;/b&gt; (therapist) or &lt;b&gt;lhv&lt;/b&gt; (supervisor).</source>
        <translation>Demodatabase med syntetiske børn. Adgangskode: &lt;b&gt;%1&lt;/b&gt;&lt;br&gt;Log ind som &lt;b&gt;demo&lt;/b&gt; (behandler) eller &lt;b&gt;lhv&lt;/b&gt; (supervisor).</translation>
    </message>
    <message>
        <source>&amp;User:</source>
        <translation>&amp;Bruger:</translation>
    </message>
    <message>
        <source>P&amp;assphrase:</source>
        <translation>&amp;Adgangskode:</translation>
    </message>
    <message>
        <source>&amp;Remember on this computer</source>
        <translation>&amp;Husk på denne computer</translation>
    </message>
    <message>
        <source>The computer has no keyring; the passphrase must be typed every time.</source>
        <translation>Computeren har ingen nøglering; adgangskoden skal skrives hver gang.</translation>
    </message>
    <message>
        <source>No keyring on this computer: the database cannot be remembered, and the passphrase is never stored in a file.</source>
        <translation>Ingen nøglering på denne computer: databasen kan ikke huskes, og adgangskoden gemmes aldrig i en fil.</translation>
    </message>
    <message>
        <source>Un&amp;lock</source>
        <translation>Lås &amp;op</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Annullér</translation>
    </message>
    <message>
        <source>Type your passphrase.</source>
        <translation>Skriv din adgangskode.</translation>
    </message>
</context>
<context>
    <name>WorkQueueWidget</name>
    <message>
        <source>&lt;h2&gt;Work list&lt;/h2&gt;What is waiting for you. Double-click or press Enter to open. Choose a child on the left to see the journal.</source>
        <translation>&lt;h2&gt;Arbejdsliste&lt;/h2&gt;Det, der venter på dig. Dobbeltklik eller tryk Enter for at åbne. Vælg et barn til venstre for at se journalen.</translation>
    </message>
    <message>
        <source>Mar&amp;k all as seen</source>
        <translation>Mar&amp;kér alle som set</translation>
    </message>
    <message>
        <source>The supervisor&apos;s approvals need nothing done: clears them from the list</source>
        <translation>Supervisorens godkendelser kræver intet: fjerner dem fra listen</translation>
    </message>
    <message>
        <source>Task</source>
        <translation>Opgave</translation>
    </message>
    <message>
        <source>Child</source>
        <translation>Barn</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>Dato</translation>
    </message>
    <message>
        <source>Days</source>
        <translation>Dage</translation>
    </message>
    <message>
        <source>Loading the work list…</source>
        <translation>Henter arbejdslisten…</translation>
    </message>
    <message>
        <source>Approved by the supervisor (%1)</source>
        <translation>Godkendt af supervisor (%1)</translation>
    </message>
</context>
<context>
    <name>errors</name>
    <message>
        <source>Unexpected error</source>
        <translation>Uventet fejl</translation>
    </message>
    <message>
        <source>An unexpected error occurred. What was already saved is not affected.
Error type: %1. A report without journal data has been written to the log file.</source>
        <translation>Der opstod en uventet fejl. Det, der allerede var gemt, er ikke påvirket.
Fejltype: %1. En rapport uden journaldata er skrevet i logfilen.</translation>
    </message>
</context>
<context>
    <name>key_rotation</name>
    <message>
        <source>Rotate data &amp;key…</source>
        <translation>Skift databasens &amp;nøgle…</translation>
    </message>
    <message>
        <source>Rotate data key</source>
        <translation>Skift databasens nøgle</translation>
    </message>
    <message>
        <source>Re-encrypt the whole database with a new key? Afterwards no earlier key file, backup key file or remembered key opens it; every current user keeps their passphrase. The program locks while this runs, and everyone else must close the database first.</source>
        <translation>Kryptere hele databasen om med en ny nøgle? Bagefter åbner ingen tidligere nøglefil, ingen sikkerhedskopis nøglefil og ingen husket nøgle den; alle nuværende brugere beholder deres adgangskode. Programmet låses imens, og alle andre skal først lukke databasen.</translation>
    </message>
    <message>
        <source>Your passphrase:</source>
        <translation>Din adgangskode:</translation>
    </message>
    <message>
        <source>Re-encrypting the database with a new key…</source>
        <translation>Krypterer databasen om med en ny nøgle…</translation>
    </message>
    <message>
        <source>The database now has a new key. Users with access: %1. Unlock with your passphrase.</source>
        <translation>Databasen har nu en ny nøgle. Brugere med adgang: %1. Lås op med din adgangskode.</translation>
    </message>
    <message>
        <source>Not carried over (older key format), add them again: %1.</source>
        <translation>Ikke overført (ældre nøgleformat), opret dem igen: %1.</translation>
    </message>
</context>
<context>
    <name>prompts</name>
    <message>
        <source>Yes</source>
        <translation>Ja</translation>
    </message>
    <message>
        <source>No</source>
        <translation>Nej</translation>
    </message>
    <message>
        <source>Look in:</source>
        <translation>Kig i:</translation>
    </message>
    <message>
        <source>File &amp;name:</source>
        <translation>Fil&amp;navn:</translation>
    </message>
    <message>
        <source>File &amp;type:</source>
        <translation>Fil&amp;type:</translation>
    </message>
    <message>
        <source>&amp;Save</source>
        <translation>&amp;Gem</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Annullér</translation>
    </message>
</context>
<context>
    <name>signature</name>
    <message>
        <source>Checking the passphrase…</source>
        <translation>Kontrollerer adgangskoden…</translation>
    </message>
</context>
<context>
    <name>single_instance</name>
    <message>
        <source>Behandlerklient is already open for this database on this computer. Switch to the open window; two windows on the same journal could overwrite each other&apos;s work.</source>
        <translation>Behandlerklient er allerede åben for denne database på denne computer. Skift til det åbne vindue; to vinduer på samme journal kan overskrive hinandens arbejde.</translation>
    </message>
</context>
</TS>
