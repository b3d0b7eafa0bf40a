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

    public static string WrongCode(int triesLeft) => triesLeft == 1
        ? "De sms-code is onjuist. U heeft nog 1 poging."
        : $"De sms-code is onjuist. U heeft nog {triesLeft} pogingen.";

    public static string SmsText(string practice, string code) =>
        $"Uw code voor het patiëntenportaal van {practice} is {code}. De code is 5 minuten geldig. Deel deze code met niemand.";

    public static string ActivationMailSubject(string practice) => $"Activeer uw account voor het patiëntenportaal van {practice}";

    public static string ActivationMailBody(string name, string practice, string link) =>
        $"Beste {name},\n\n{practice} heeft u aangemeld voor het patiëntenportaal. Klik op de link hieronder om uw account te activeren. " +
        $"U ontvangt daarna een sms met een code, waarna u een wachtwoord kiest.\n\n{link}\n\nDe link is 7 dagen geldig.\n\nMet vriendelijke groet,\n{practice}";

    public static string ResetMailSubject(string practice) => $"Nieuw wachtwoord voor het patiëntenportaal van {practice}";

    public static string ResetMailBody(string name, string practice, string link) =>
        $"Beste {name},\n\nU heeft gevraagd om een nieuw wachtwoord. Klik op de link hieronder; u ontvangt daarna een sms met een code.\n\n{link}\n\n" +
        $"De link is 1 uur geldig. Heeft u dit niet zelf gevraagd? Dan kunt u deze e-mail negeren.\n\nMet vriendelijke groet,\n{practice}";
}
