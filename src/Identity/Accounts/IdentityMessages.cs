namespace Identity.Accounts;

/// <summary>Every sentence a patient or staff member can see, in Dutch (nl-NL), in one place so tests can name them.</summary>
public static class IdentityMessages
{
    public const string WrongCredentials = "Het e-mailadres of wachtwoord is onjuist.";
    public const string LockedOut = "Uw account is tijdelijk geblokkeerd na te veel mislukte pogingen. Probeer het over 15 minuten opnieuw of neem contact op met de praktijk.";
    public const string NotActivated = "Uw account is nog niet geactiveerd. Gebruik de link in de e-mail van de praktijk.";
    public const string Disabled = "Uw account is uitgeschakeld. Neem contact op met de praktijk.";
    public const string CodeExpired = "De sms-code is verlopen. Log opnieuw in om een nieuwe code te ontvangen.";
    public const string CodeFormat = "Vul de 6 cijfers van de sms-code in.";
    public const string LinkInvalid = "Deze link is ongeldig of verlopen. Vraag de praktijk om een nieuwe link.";
    public const string StepExpired = "Deze stap is verlopen. Begin opnieuw.";
    public const string PasswordTooShort = "Het wachtwoord moet minimaal 10 tekens lang zijn.";
    public const string PasswordNoUpper = "Het wachtwoord moet minstens 1 hoofdletter bevatten.";
    public const string PasswordNoLower = "Het wachtwoord moet minstens 1 kleine letter bevatten.";
    public const string PasswordTwoDigits = "Het wachtwoord moet minstens 2 cijfers bevatten.";
    public const string PasswordsDiffer = "De wachtwoorden zijn niet gelijk.";
    public const string Activated = "Uw account is geactiveerd. U kunt nu inloggen.";
    public const string PasswordChanged = "Uw wachtwoord is gewijzigd. U kunt nu inloggen.";
    public const string ResetSent = "Als dit e-mailadres bij ons bekend is, ontvangt u een e-mail met een link om een nieuw wachtwoord te kiezen.";
    public const string LoggedOutEverywhere = "U bent op alle apparaten uitgelogd.";
    public const string TooManyRequests = "U heeft te veel aanvragen gedaan. Probeer het later opnieuw.";

    // Contact details and names, shown next to the field.
    public const string EmailInvalid = "Vul een geldig e-mailadres in.";
    public const string MobileInvalid = "Vul een geldig mobiel nummer in, bijvoorbeeld 06-12345678.";
    public const string GivenNameRequired = "Vul de voornaam in.";
    public const string FamilyNameRequired = "Vul de achternaam in.";
    public const string EmailInUse = "Dit e-mailadres is al in gebruik voor een ander account.";

    // Staff accounts, managed by the practice manager.
    public const string OnlyPracticeManager = "Alleen de praktijkmanager kan medewerkers beheren.";
    public const string StaffNotFound = "Deze medewerker bestaat niet (meer) in uw praktijk.";
    public const string RoleInvalid = "Kies een rol: huisarts, assistent, POH of praktijkmanager.";
    public const string EmployeeIdInvalid = "Vul een medewerkers-ID in van 1 tot 64 tekens: letters, cijfers, punt, streepje of liggend streepje.";
    public const string EmployeeIdInUseHere = "Er is in uw praktijk al een account met dit medewerkers-ID.";
    public const string EmployeeIdOtherPerson = "Dit medewerkers-ID hoort bij een andere medewerker. Gebruik hetzelfde medewerkers-ID alleen voor dezelfde persoon.";
    public const string NotYourOwnAccount = "U kunt uw eigen rol niet wijzigen en uw eigen account niet uitschakelen.";
    public const string AlreadyActivated = "Deze medewerker heeft het account al geactiveerd; een nieuwe activatielink is niet nodig.";
    public const string DisabledNoActivation = "Dit account is uitgeschakeld. Schakel het eerst weer in.";

    // Sign-up requests (seed 004: "Meld u aan via onze website").
    public const string SignupReceived = "Bedankt voor uw aanmelding. De praktijk controleert uw gegevens. U ontvangt een e-mail zodra uw account klaarstaat.";
    public const string BsnInvalid = "Dit BSN is niet geldig. Controleer de 9 cijfers.";
    public const string BirthDateInvalid = "Vul een geldige geboortedatum in.";
    public const string OnlySignupStaff = "Alleen de assistent of de praktijkmanager kan aanmeldingen behandelen.";
    public const string SignupNotFound = "Deze aanmelding bestaat niet (meer) of is al behandeld.";
    public const string PatientDoesNotMatch = "Deze patiënt past niet bij de aanmelding: BSN en geboortedatum moeten overeenkomen met een patiënt van uw praktijk.";
    public const string PatientHasAccount = "Deze patiënt heeft al een account voor het portaal.";

    public static string WrongCode(int triesLeft) => triesLeft == 1
        ? "De sms-code is onjuist. U heeft nog 1 poging."
        : $"De sms-code is onjuist. U heeft nog {triesLeft} pogingen.";

    public static string SmsText(string practice, string code) =>
        $"Uw code voor het patiëntenportaal van {practice} is {code}. De code is 5 minuten geldig. Deel deze code met niemand.";

    public static string ActivationMailSubject(string practice) => $"Activeer uw account voor het patiëntenportaal van {practice}";

    public static string ActivationMailBody(string name, string practice, string link) =>
        $"Beste {name},\n\n{practice} heeft u aangemeld voor het patiëntenportaal. Klik op de link hieronder om uw account te activeren. " +
        $"U ontvangt daarna een sms met een code, waarna u een wachtwoord kiest.\n\n{link}\n\nDe link is 7 dagen geldig.\n\nMet vriendelijke groet,\n{practice}";

    public static string StaffActivationMailSubject(string practice) => $"Uw account voor het portaal van {practice}";

    public static string StaffActivationMailBody(string name, string practice, string link) =>
        $"Beste {name},\n\nDe praktijkmanager van {practice} heeft een account voor u aangemaakt voor het portaal. Klik op de link hieronder om uw account te activeren. " +
        $"U ontvangt daarna een sms met een code, waarna u een wachtwoord kiest.\n\n{link}\n\nDe link is 7 dagen geldig.\n\nMet vriendelijke groet,\n{practice}";

    public static string SignupRejectedMailSubject(string practice) => $"Uw aanmelding voor het patiëntenportaal van {practice}";

    /// <summary>Says no more than that: the applicant may not be who they claim, so nothing about the record or the reason.</summary>
    public static string SignupRejectedMailBody(string name, string practice) =>
        $"Beste {name},\n\nWij hebben uw aanmelding voor het patiëntenportaal ontvangen, maar kunnen deze niet goedkeuren. " +
        $"Dit kan bijvoorbeeld zijn omdat uw gegevens niet overeenkomen met onze administratie. Heeft u vragen? Neem dan contact op met de praktijk.\n\n" +
        $"Met vriendelijke groet,\n{practice}";

    public static string ResetMailSubject(string practice) => $"Nieuw wachtwoord voor het patiëntenportaal van {practice}";

    public static string ResetMailBody(string name, string practice, string link) =>
        $"Beste {name},\n\nU heeft gevraagd om een nieuw wachtwoord. Klik op de link hieronder; u ontvangt daarna een sms met een code.\n\n{link}\n\n" +
        $"De link is 1 uur geldig. Heeft u dit niet zelf gevraagd? Dan kunt u deze e-mail negeren.\n\nMet vriendelijke groet,\n{practice}";
}
