using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using System.Threading.RateLimiting;
using Fhir.Server.Search;
using Fhir.Server.Store;
using Fhir.Server.Validation;
using Identity.Messaging;
using Identity.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Identity.Accounts;

/// <summary>What a person fills in to ask for a portal account. BirthDate is yyyy-mm-dd; Practice (an Organization id) is optional.</summary>
public sealed record SignupInput(string? GivenName, string? FamilyName, string? BirthDate, string? Bsn, string? Email, string? Mobile, string? Practice = null);

public enum SignupStatus { Pending, Approved, Rejected }

/// <summary>A stored request; RejectReason is for the practice only.</summary>
public sealed record SignupRequest(
    string Id, string GivenName, string FamilyName, DateOnly BirthDate, string Bsn, string Email, string Mobile, string? OrganizationId,
    SignupStatus Status, string? PatientId, string? AccountId, string? DecidedBy, DateTimeOffset? DecidedAt, string? RejectReason, DateTimeOffset ReceivedAt);

/// <summary>The Patient of the staff member's practice with the request's BSN and birth date.</summary>
public sealed record PatientMatch(string PatientId, string Name, string BirthDate, bool HasAccount);

/// <summary>
/// Self sign-up (seed 004: "Meld u aan via onze website ... We zullen u vervolgens registreren als
/// portaalgebruiker"): anyone may ask for an account; the practice's assistant or manager matches the
/// request to the practice's Patient by BSN and birth date and approves it (the account is registered
/// and the activation e-mail goes out) or rejects it (a Dutch e-mail that says nothing about the record).
/// The answer to a request is always the same, so it reveals nothing about who is a patient. Requests are
/// limited per client address (Identity:RateLimit:SignupPerHour) and per BSN (<see cref="MaxPerBsnPerDay"/>,
/// further ones are silently dropped). A request names its practice, or is routed to the practice of the
/// matching Patient; one that neither names a practice nor matches anyone is shown to the staff of every
/// practice on this server (normally one), so that it can be rejected. Decided requests are deleted
/// after <see cref="KeepDecidedFor"/>; the per-address limit counts per instance, the per-BSN limit
/// (in the database) across instances.
/// </summary>
public sealed class SignupRequests(
    IdentityDb db,
    AccountStore accounts,
    AccountService accountService,
    StaffAdministration staff,
    IFhirSearch search,
    IResourceStore fhir,
    IEmailSender email,
    IOptions<IdentityServerOptions> options,
    TimeProvider time) : IDisposable
{
    public const int MaxPerBsnPerDay = 3;

    /// <summary>Decided requests (with a BSN in them) are kept this long for the practice's questions, then deleted.</summary>
    public static readonly TimeSpan KeepDecidedFor = TimeSpan.FromDays(30);

    private readonly PartitionedRateLimiter<string> _perAddress = PartitionedRateLimiter.Create<string, string>(address =>
        RateLimitPartition.GetFixedWindowLimiter(address, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = options.Value.RateLimit.SignupPerHour, Window = TimeSpan.FromHours(1), QueueLimit = 0,
        }));

    /// <summary>Stores the request and answers <see cref="IdentityMessages.SignupReceived"/>, whoever the BSN belongs to.</summary>
    public async Task<string> SubmitAsync(SignupInput input, string? clientAddress, CancellationToken ct = default)
    {
        var given = input.GivenName?.Trim() is { Length: > 0 and <= 100 } g ? g : throw AccountRequestException.Invalid(IdentityMessages.GivenNameRequired, "givenName");
        var family = input.FamilyName?.Trim() is { Length: > 0 and <= 100 } f ? f : throw AccountRequestException.Invalid(IdentityMessages.FamilyNameRequired, "familyName");
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var birthDate = DateOnly.TryParseExact(input.BirthDate?.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
            && d <= today && d.Year > today.Year - 130 ? d : throw AccountRequestException.Invalid(IdentityMessages.BirthDateInvalid, "birthDate");
        var bsn = input.Bsn?.Trim().Replace(" ", "", StringComparison.Ordinal).Replace(".", "", StringComparison.Ordinal) is { } b && Bsn.IsValid(b)
            ? b : throw AccountRequestException.Invalid(IdentityMessages.BsnInvalid, "bsn");
        var mail = ContactDetails.Email(input.Email) ?? throw AccountRequestException.Invalid(IdentityMessages.EmailInvalid, "email");
        var mobile = ContactDetails.Mobile(input.Mobile) ?? throw AccountRequestException.Invalid(IdentityMessages.MobileInvalid, "mobile");
        var practice = input.Practice?.Trim() is { Length: > 0 } p ? p : null;
        if (practice is not null && await fhir.ReadAsync("Organization", practice, ct) is not { IsDeleted: false })
            throw AccountRequestException.Invalid("Deze praktijk is niet bekend.", "practice");

        using (var lease = _perAddress.AttemptAcquire(clientAddress ?? "unknown"))
        {
            if (!lease.IsAcquired)
                throw AccountRequestException.TooMany();
        }
        var now = time.GetUtcNow();
        db.Execute("DELETE FROM identity_signup_request WHERE status <> 'pending' AND decided_utc < @before", ("@before", IdentityDb.Time(now - KeepDecidedFor)));
        var recent = db.Query("SELECT COUNT(*) FROM identity_signup_request WHERE bsn = @b AND created_utc > @since",
            r => r.GetInt64(0), ("@b", bsn), ("@since", IdentityDb.Time(now.AddDays(-1)))).Single();
        if (recent >= MaxPerBsnPerDay)
            return IdentityMessages.SignupReceived;
        practice ??= (await MatchesAsync([bsn], ct)).FirstOrDefault(m => m.BirthDate == birthDate)?.OrganizationId;
        db.Execute("""
            INSERT INTO identity_signup_request (id, given_name, family_name, birth_date, bsn, email, phone, organization_id, status, created_utc)
            VALUES (@id, @g, @f, @d, @b, @e, @p, @o, 'pending', @now)
            """, ("@id", AccountService.NewId()), ("@g", given), ("@f", family), ("@d", Iso(birthDate)), ("@b", bsn), ("@e", mail), ("@p", mobile),
            ("@o", practice), ("@now", IdentityDb.Time(now)));
        return IdentityMessages.SignupReceived;
    }

    /// <summary>The open requests the caller's practice handles: addressed to it, or to no practice at all.</summary>
    public IReadOnlyList<SignupRequest> Pending(ClaimsPrincipal? principal)
    {
        var caller = RequireHandler(principal);
        return db.Query("""
            SELECT * FROM identity_signup_request
            WHERE status = 'pending' AND (organization_id = @o OR organization_id IS NULL)
            ORDER BY created_utc
            """, Map, ("@o", caller.OrganizationId));
    }

    /// <summary>For each request, the Patient of the caller's practice with its BSN and birth date (one search for all).</summary>
    public async Task<IReadOnlyDictionary<string, PatientMatch>> MatchAsync(ClaimsPrincipal? principal, IReadOnlyList<SignupRequest> requests, CancellationToken ct = default)
    {
        var caller = RequireHandler(principal);
        var candidates = await MatchesAsync(requests.Select(r => r.Bsn).Distinct().ToList(), ct);
        var result = new Dictionary<string, PatientMatch>(StringComparer.Ordinal);
        foreach (var request in requests)
        {
            if (candidates.FirstOrDefault(c => c.Bsn == request.Bsn && c.BirthDate == request.BirthDate && c.OrganizationId == caller.OrganizationId) is { } m)
                result[request.Id] = new PatientMatch(m.PatientId, m.Name, Iso(m.BirthDate), accounts.FindByPatient(m.PatientId) is not null);
        }
        return result;
    }

    /// <summary>
    /// Registers the account for the practice's Patient with the request's BSN and birth date (the one
    /// named, or the only match) and sends the activation e-mail.
    /// </summary>
    public async Task<SignupRequest> ApproveAsync(ClaimsPrincipal? principal, string requestId, string? patientId, CancellationToken ct = default)
    {
        var caller = RequireHandler(principal);
        var request = Open(caller, requestId);
        var match = (await MatchAsync(principal, [request], ct)).GetValueOrDefault(request.Id);
        if (match is null || (patientId is not null && patientId != match.PatientId))
            throw AccountRequestException.Invalid(IdentityMessages.PatientDoesNotMatch, "patientId");
        if (match.HasAccount)
            throw AccountRequestException.Invalid(IdentityMessages.PatientHasAccount, "patientId");
        if (accounts.FindByEmail(request.Email) is not null)
            throw AccountRequestException.Invalid(IdentityMessages.EmailInUse, "email");
        if (!Decide(request.Id, caller, SignupStatus.Approved, null))
            throw AccountRequestException.NotFound(IdentityMessages.SignupNotFound);
        Account account;
        try
        {
            account = await accountService.RegisterPatientAsync(match.PatientId, request.Bsn, request.Email, request.Mobile, sendActivation: true, ct);
        }
        catch (Exception ex) when (ex is SqliteException { SqliteErrorCode: 19 } or ArgumentException)
        {
            db.Execute("UPDATE identity_signup_request SET status = 'pending', decided_by = NULL, decided_utc = NULL WHERE id = @id", ("@id", request.Id));
            throw AccountRequestException.Invalid(accounts.FindByEmail(request.Email) is not null ? IdentityMessages.EmailInUse : IdentityMessages.PatientHasAccount, "patientId");
        }
        db.Execute("UPDATE identity_signup_request SET patient_id = @p, account_id = @a, organization_id = @o WHERE id = @id",
            ("@p", match.PatientId), ("@a", account.Id), ("@o", caller.OrganizationId), ("@id", request.Id));
        return Find(request.Id)!;
    }

    /// <summary>Rejects the request and tells the applicant so, without a reason; <paramref name="reason"/> stays with the practice.</summary>
    public async Task<SignupRequest> RejectAsync(ClaimsPrincipal? principal, string requestId, string? reason, CancellationToken ct = default)
    {
        var caller = RequireHandler(principal);
        var request = Open(caller, requestId);
        if (!Decide(request.Id, caller, SignupStatus.Rejected, string.IsNullOrWhiteSpace(reason) ? null : reason.Trim()))
            throw AccountRequestException.NotFound(IdentityMessages.SignupNotFound);
        db.Execute("UPDATE identity_signup_request SET organization_id = @o WHERE id = @id", ("@o", caller.OrganizationId), ("@id", request.Id));
        var practice = options.Value.PracticeName;
        await email.SendAsync(request.Email, IdentityMessages.SignupRejectedMailSubject(practice),
            IdentityMessages.SignupRejectedMailBody($"{request.GivenName} {request.FamilyName}", practice), ct);
        return Find(request.Id)!;
    }

    public void Dispose() => _perAddress.Dispose();

    private Account RequireHandler(ClaimsPrincipal? principal) =>
        staff.RequireStaff(principal, IdentityMessages.OnlySignupStaff, StaffRoles.Assistent, StaffRoles.Praktijkmanager);

    private SignupRequest Open(Account caller, string? requestId) =>
        requestId is not null && Find(requestId) is { Status: SignupStatus.Pending } request
            && (request.OrganizationId is null || request.OrganizationId == caller.OrganizationId)
            ? request
            : throw AccountRequestException.NotFound(IdentityMessages.SignupNotFound);

    /// <summary>Only one decision per request, however many staff members click at once.</summary>
    private bool Decide(string requestId, Account caller, SignupStatus status, string? reason) => db.Execute("""
        UPDATE identity_signup_request SET status = @s, decided_by = @by, decided_utc = @now, reject_reason = @r
        WHERE id = @id AND status = 'pending'
        """, ("@s", status == SignupStatus.Approved ? "approved" : "rejected"), ("@by", caller.Id), ("@now", IdentityDb.Time(time.GetUtcNow())),
        ("@r", reason), ("@id", requestId)) == 1;

    private SignupRequest? Find(string id) => db.Single("SELECT * FROM identity_signup_request WHERE id = @id", Map, ("@id", id));

    private sealed record Candidate(string PatientId, string Bsn, DateOnly BirthDate, string? OrganizationId, string Name);

    /// <summary>Current Patients with any of these BSNs, in one search.</summary>
    private async Task<List<Candidate>> MatchesAsync(IReadOnlyList<string> bsns, CancellationToken ct)
    {
        var result = new List<Candidate>();
        if (bsns.Count == 0)
            return result;
        var query = "identifier=" + string.Join(",", bsns.Select(b => Uri.EscapeDataString($"{KnownSystems.Bsn}|{b}")));
        foreach (var id in search.FindIds(null, "Patient", query, 10 * bsns.Count))
        {
            if (await fhir.ReadAsync("Patient", id, ct) is not { IsDeleted: false, Json: { } json })
                continue;
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            var bsn = bsns.FirstOrDefault(b => AccountService.HasIdentifier(root, KnownSystems.Bsn, b));
            if (bsn is null || !root.TryGetProperty("birthDate", out var bd)
                || !DateOnly.TryParseExact(bd.GetString(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var birthDate))
                continue;
            result.Add(new Candidate(id, bsn, birthDate, AccountService.ManagingOrganization(root), AccountService.DisplayName(root) ?? id));
        }
        return result;
    }

    private static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static SignupRequest Map(SqliteDataReader r) => new(
        r.GetString(r.GetOrdinal("id")), r.GetString(r.GetOrdinal("given_name")), r.GetString(r.GetOrdinal("family_name")),
        DateOnly.ParseExact(r.GetString(r.GetOrdinal("birth_date")), "yyyy-MM-dd", CultureInfo.InvariantCulture), r.GetString(r.GetOrdinal("bsn")),
        r.GetString(r.GetOrdinal("email")), r.GetString(r.GetOrdinal("phone")), IdentityDb.String(r, "organization_id"),
        r.GetString(r.GetOrdinal("status")) switch { "approved" => SignupStatus.Approved, "rejected" => SignupStatus.Rejected, _ => SignupStatus.Pending },
        IdentityDb.String(r, "patient_id"), IdentityDb.String(r, "account_id"), IdentityDb.String(r, "decided_by"), IdentityDb.ParseTime(r, "decided_utc"),
        IdentityDb.String(r, "reject_reason"), IdentityDb.ParseTime(r.GetString(r.GetOrdinal("created_utc"))));
}
