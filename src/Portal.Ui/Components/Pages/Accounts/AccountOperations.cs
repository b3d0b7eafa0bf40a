namespace Portal.Ui.Components.Pages.Accounts;

public sealed record StaffMemberView(string Id, string Name, string Email, string Mobile, string Role, string RoleDisplay, string? EmployeeId, string Status, string? LockedUntil);

public sealed record PatientMatchView(string PatientId, string Name, string BirthDate, bool HasAccount);

public sealed record AccountRequestView(string Id, string GivenName, string FamilyName, string BirthDate, string Bsn, string Email, string Mobile,
    string ReceivedAt, string Status, PatientMatchView? Match);

/// <summary>The GraphQL operations of the account pages (StaffAccounts/staff.graphql), and the answers they are read into.</summary>
internal static class AccountOperations
{
    private const string StaffFields = "id name email mobile role roleDisplay employeeId status lockedUntil";
    private const string RequestFields = "id givenName familyName birthDate bsn email mobile receivedAt status match { patientId name birthDate hasAccount }";

    public const string RequestAccount = "mutation RequestAccount($input: AccountRequestInput!) { requestAccount(input: $input) { message } }";

    public sealed record Receipt(string Message);

    public sealed record RequestAccountData(Receipt RequestAccount);

    public const string Requests = "query AccountRequests { accountRequests { " + RequestFields + " } }";

    public sealed record RequestsData(IReadOnlyList<AccountRequestView> AccountRequests);

    public const string Approve = "mutation Approve($id: ID!, $patientId: ID) { approveAccountRequest(id: $id, patientId: $patientId) { " + RequestFields + " } }";

    public sealed record ApproveData(AccountRequestView ApproveAccountRequest);

    public const string Reject = "mutation Reject($id: ID!, $reason: String) { rejectAccountRequest(id: $id, reason: $reason) { " + RequestFields + " } }";

    public sealed record RejectData(AccountRequestView RejectAccountRequest);

    public const string StaffList = "query Staff { staffMembers { " + StaffFields + " } }";

    public sealed record StaffListData(IReadOnlyList<StaffMemberView> StaffMembers);

    public const string Member = "query Member($id: ID!) { staffMember(id: $id) { " + StaffFields + " } }";

    public sealed record MemberData(StaffMemberView? StaffMember);

    public const string Create = "mutation Create($input: NewStaffMemberInput!) { createStaffMember(input: $input) { " + StaffFields + " } }";

    public sealed record CreateData(StaffMemberView CreateStaffMember);

    public const string ChangeRole = "mutation ChangeRole($id: ID!, $role: StaffRole!) { changeStaffRole(id: $id, role: $role) { " + StaffFields + " } }";

    public sealed record ChangeRoleData(StaffMemberView ChangeStaffRole);

    public const string SetEnabled = "mutation SetEnabled($id: ID!, $enabled: Boolean!) { setStaffMemberEnabled(id: $id, enabled: $enabled) { " + StaffFields + " } }";

    public sealed record SetEnabledData(StaffMemberView SetStaffMemberEnabled);

    public const string Resend = "mutation Resend($id: ID!) { resendStaffActivation(id: $id) { " + StaffFields + " } }";

    public sealed record ResendData(StaffMemberView ResendStaffActivation);

    /// <summary>The roles a practice manager can give, in the order the form offers them (values as the API names them).</summary>
    public static readonly IReadOnlyList<(string Value, string Text)> Roles =
    [
        ("HUISARTS", "Huisarts"),
        ("ASSISTENT", "Doktersassistent"),
        ("POH", "Praktijkondersteuner"),
        ("PRAKTIJKMANAGER", "Praktijkmanager"),
    ];

    public static string StatusText(string status) => status switch
    {
        "REGISTERED" => "Nog niet geactiveerd",
        "ACTIVE" => "Actief",
        "DISABLED" => "Uitgeschakeld",
        _ => status,
    };
}
