namespace Graph.Api.Messaging;

/// <summary>
/// System URIs and codes of the e-consult profile (fhir-profiles/project/econsult-communication.json).
/// https://hl7.org/fhir/R4/communication.html
/// </summary>
public static class KnownEConsult
{
    public const string Base = "https://fhir.huisartsportaal.nl/";
    public const string Profile = Base + "StructureDefinition/econsult-communication";
    public const string CategorySystem = Base + "CodeSystem/bericht-categorie";
    public const string StatusReasonSystem = Base + "CodeSystem/bericht-statusreden";

    /// <summary>Boolean extension on a practice message: true closes the conversation for the patient.</summary>
    public const string ClosedForPatient = Base + "StructureDefinition/econsult-closed-for-patient";

    /// <summary>Date extension on a practice message sent on behalf of an absent practitioner: when the real answer is expected.</summary>
    public const string ExpectedAnswerDate = Base + "StructureDefinition/econsult-expected-answer-date";

    public const string EConsult = "e-consult";
    public const string Medical = "medisch";
    public const string Other = "overig";
    public const string SystemMessage = "systeembericht";
    public const string HandledWithoutReply = "afgehandeld-zonder-antwoord";

    /// <summary>Identifier system of a system message: the event it reports (one message per event).</summary>
    public const string SystemMessageEventSystem = Base + "NamingSystem/systeembericht-gebeurtenis";

    /// <summary>
    /// The search that finds every portal message: e-consult messages (patients' questions, practice
    /// answers, messages the practice starts) and system messages.
    /// </summary>
    public const string CategoryQuery = "category=" + CategorySystem + "|" + EConsult + "," + CategorySystem + "|" + SystemMessage;
}

/// <summary>
/// Claim types of the portal's tokens as issued by src/Identity (Identity.OAuth.TokenClaims); repeated
/// here as strings because Graph.Api reads claims, it does not issue them.
/// </summary>
public static class PortalClaims
{
    public const string Kind = "kind";
    public const string FhirUser = "fhirUser";
    public const string Role = "role";
    public const string Organization = "org";
    public const string Name = "name";

    public const string KindPatient = "patient";
    public const string KindStaff = "staff";
    public const string KindSystem = "system";
}
