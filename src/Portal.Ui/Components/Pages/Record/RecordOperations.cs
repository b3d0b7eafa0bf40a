namespace Portal.Ui.Components.Pages.Record;

/// <summary>The GraphQL operations of Mijn dossier, Mijn medicijnen and the practice's repeat orders, and the answers they are read into.</summary>
public static class RecordOperations
{
    private const string MedicationFields = "id name dosage status current chronic kindLabel authoredOn authoredOnLocal orderable orderBlockedReason";

    private const string OrderFields = "id status orderedAt orderedAtLocal readyDate readyDateLocal note rejectReason patient { reference display } medicines { id medicine medicationId status }";

    public const string Dossier = "query Dossier($patientId: ID, $first: Int!, $after: String, $episodes: EpisodeFilter!) { medicalRecord(patientId: $patientId) { " +
        "patient { reference display } notice " +
        "episodes(filter: $episodes) { id title code active onset onsetLocal end endLocal } " +
        "allergies { id substance categoryLabel criticality active reactions recordedLocal } " +
        "labResults(first: $first, after: $after) { totalCount nodes { id test value unit referenceRange flag outsideRange date dateLocal } pageInfo { hasNextPage endCursor } } " +
        "medications(filter: CURRENT) { " + MedicationFields + " } } actingFor { patientId display self } }";

    public const string Medicines = "query Medicines($patientId: ID, $filter: MedicationFilter!) { medicalRecord(patientId: $patientId) { " +
        "patient { reference display } notice medications(filter: $filter) { " + MedicationFields + " } repeatOrders { " + OrderFields + " } } actingFor { patientId display self } }";

    public const string Passport = "query Passport($patientId: ID) { medicalRecord(patientId: $patientId) { medicationPassport { " +
        "patient { reference display } birthDateLocal practice { display } sinceLocal createdAtLocal " +
        "medications { " + MedicationFields + " } allergies { id substance categoryLabel criticality reactions } } } }";

    public const string OrderMutation = "mutation Order($input: OrderRepeatPrescriptionInput!) { orderRepeatPrescription(input: $input) { " + OrderFields + " } }";

    public const string PracticeOrders = "query PracticeOrders($status: RepeatOrderFilter!) { repeatOrders(status: $status, first: 100) { totalCount nodes { " + OrderFields + " } } }";

    public const string PracticeOrder = "query PracticeOrder($id: ID!) { repeatOrder(id: $id) { " + OrderFields + " } }";

    public sealed record PracticeOrderData(RepeatOrder? RepeatOrder);

    public const string Approve = "mutation Approve($id: ID!) { approveRepeatOrder(id: $id) { " + OrderFields + " } }";

    public const string Reject = "mutation Reject($id: ID!, $reason: String!) { rejectRepeatOrder(id: $id, reason: $reason) { " + OrderFields + " } }";

    public sealed record Party(string Reference, string Display);

    public sealed record Person(string PatientId, string Display, bool Self);

    public sealed record Episode(string Id, string Title, string? Code, bool Active, string? Onset, string? OnsetLocal, string? End, string? EndLocal);

    public sealed record Allergy(string Id, string Substance, string? CategoryLabel, string? Criticality, bool Active, IReadOnlyList<string> Reactions, string? RecordedLocal);

    public sealed record LabResult(string Id, string Test, string? Value, string? Unit, string? ReferenceRange, string? Flag, bool OutsideRange, string? Date, string? DateLocal);

    public sealed record PageInfo(bool HasNextPage, string? EndCursor);

    public sealed record LabPage(int TotalCount, IReadOnlyList<LabResult> Nodes, PageInfo PageInfo);

    public sealed record Medication(string Id, string Name, string? Dosage, string Status, bool Current, bool Chronic, string KindLabel, string? AuthoredOn,
        string? AuthoredOnLocal, bool Orderable, string? OrderBlockedReason);

    public sealed record OrderLine(string Id, string Medicine, string? MedicationId, string Status);

    public sealed record RepeatOrder(string Id, string Status, string OrderedAt, string OrderedAtLocal, string ReadyDate, string ReadyDateLocal, string? Note,
        string? RejectReason, Party Patient, IReadOnlyList<OrderLine> Medicines);

    public sealed record DossierRecord(Party Patient, string Notice, IReadOnlyList<Episode> Episodes, IReadOnlyList<Allergy> Allergies, LabPage LabResults,
        IReadOnlyList<Medication> Medications);

    public sealed record DossierData(DossierRecord MedicalRecord, IReadOnlyList<Person> ActingFor);

    public sealed record MedicinesRecord(Party Patient, string Notice, IReadOnlyList<Medication> Medications, IReadOnlyList<RepeatOrder> RepeatOrders);

    public sealed record MedicinesData(MedicinesRecord MedicalRecord, IReadOnlyList<Person> ActingFor);

    public sealed record PassportView(Party Patient, string? BirthDateLocal, Party? Practice, string SinceLocal, string CreatedAtLocal,
        IReadOnlyList<Medication> Medications, IReadOnlyList<Allergy> Allergies);

    public sealed record PassportRecord(PassportView MedicationPassport);

    public sealed record PassportData(PassportRecord MedicalRecord);

    public sealed record OrderData(RepeatOrder OrderRepeatPrescription);

    public sealed record OrderConnection(int TotalCount, IReadOnlyList<RepeatOrder> Nodes);

    public sealed record PracticeOrdersData(OrderConnection RepeatOrders);

    public sealed record ApproveData(RepeatOrder ApproveRepeatOrder);

    public sealed record RejectData(RepeatOrder RejectRepeatOrder);

    public static string StatusText(string status) => status switch
    {
        "OPEN" => "in behandeling",
        "APPROVED" => "goedgekeurd",
        "REJECTED" => "afgewezen",
        _ => status,
    };
}
