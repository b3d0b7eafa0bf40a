using Identity.Storage;
using Microsoft.Data.Sqlite;

namespace Identity.Accounts;

/// <summary>Rows of identity_account.</summary>
public sealed class AccountStore(IdentityDb db)
{
    public Account? FindById(string id) => db.Single("SELECT * FROM identity_account WHERE id = @id", Map, ("@id", id));

    public Account? FindByEmail(string email) => db.Single("SELECT * FROM identity_account WHERE email = @e", Map, ("@e", email.Trim()));

    public Account? FindByPatient(string patientId) => db.Single("SELECT * FROM identity_account WHERE patient_id = @p", Map, ("@p", patientId));

    /// <summary>The staff accounts of one practice, by name.</summary>
    public IReadOnlyList<Account> StaffOf(string organizationId) =>
        db.Query("SELECT * FROM identity_account WHERE organization_id = @o AND kind = 'staff' ORDER BY display_name COLLATE NOCASE, email", Map, ("@o", organizationId));

    public IReadOnlyList<Account> All() => db.Query("SELECT * FROM identity_account ORDER BY kind, email", Map);

    public void Insert(Account a, DateTimeOffset now) => db.Execute("""
        INSERT INTO identity_account (id, kind, email, phone, display_name, bsn, patient_id, practitioner_id, practitioner_role_id,
            staff_role, employee_id, organization_id, password_hash, status, created_utc)
        VALUES (@id, @kind, @email, @phone, @name, @bsn, @pat, @prac, @role_id, @role, @emp, @org, @hash, @status, @now)
        """, ("@id", a.Id), ("@kind", a.Kind == AccountKind.Patient ? "patient" : "staff"), ("@email", a.Email.Trim()), ("@phone", a.Phone),
        ("@name", a.DisplayName), ("@bsn", a.Bsn), ("@pat", a.PatientId), ("@prac", a.PractitionerId), ("@role_id", a.PractitionerRoleId),
        ("@role", a.StaffRole), ("@emp", a.EmployeeId), ("@org", a.OrganizationId), ("@hash", a.PasswordHash), ("@status", a.Status),
        ("@now", IdentityDb.Time(now)));

    public static Account Map(SqliteDataReader r) => new(
        r.GetString(r.GetOrdinal("id")),
        r.GetString(r.GetOrdinal("kind")) == "patient" ? AccountKind.Patient : AccountKind.Staff,
        r.GetString(r.GetOrdinal("email")),
        r.GetString(r.GetOrdinal("phone")),
        r.GetString(r.GetOrdinal("display_name")),
        IdentityDb.String(r, "bsn"),
        IdentityDb.String(r, "patient_id"),
        IdentityDb.String(r, "practitioner_id"),
        IdentityDb.String(r, "practitioner_role_id"),
        IdentityDb.String(r, "staff_role"),
        IdentityDb.String(r, "employee_id"),
        IdentityDb.String(r, "organization_id"),
        IdentityDb.String(r, "password_hash"),
        r.GetString(r.GetOrdinal("status")),
        r.GetInt32(r.GetOrdinal("failed_count")),
        IdentityDb.ParseTime(r, "lockout_until_utc"),
        IdentityDb.ParseTime(r, "tokens_not_before_utc"));
}
