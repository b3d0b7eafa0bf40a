namespace Graph.Api.Notes;

/// <summary>Limits, codes and texts of Mijn aantekeningen (seed 003, 3 and 4.12).</summary>
public static class KnownNotes
{
    public const int MaxTitleLength = 100;
    public const int MaxTextLength = 4000;

    /// <summary>The patient has not accepted the terms of the notes function (or withdrew).</summary>
    public const string ConsentRequiredCode = "NOTES_CONSENT_REQUIRED";

    /// <summary>The note changed since the version the caller read.</summary>
    public const string VersionConflictCode = "VERSION_CONFLICT";

    public const string Notice = "Let op! Dit zijn uw eigen aantekeningen. Ze zijn niet zichtbaar voor uw zorgverleners.";

    /// <summary>The terms the patient accepts before first use; shown on the consent screen.</summary>
    public const string Terms = """
        Met de functie Mijn aantekeningen kunt u voor uzelf aantekeningen bewaren, bijvoorbeeld vragen voor uw volgende afspraak.
        Uw aantekeningen zijn alleen voor u: uw huisarts, de assistentes en andere zorgverleners kunnen ze niet lezen, en ze horen niet bij uw medisch dossier.
        Wat u in een aantekening zet, wordt daarom ook niet gelezen of beantwoord door de praktijk: stel vragen aan de praktijk via Mijn berichten.
        Uw aantekeningen worden versleuteld opgeslagen. U kunt ze altijd wijzigen of verwijderen; een verwijderde aantekening is definitief weg.
        Trekt u uw akkoord in bij Instellingen, dan kunt u uw aantekeningen niet meer openen tot u opnieuw akkoord gaat.
        """;
}
