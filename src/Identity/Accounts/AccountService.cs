using System.Security.Cryptography;
using System.Text.Json;
using Fhir.Server.Features.Outcomes;
using Fhir.Server.Store;
using Fhir.Server.Validation;
using Identity.Messaging;
using Identity.OAuth;
using Identity.Storage;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Identity.Accounts;

/// <summary>The outcome of one step of activation, login or password reset; <see cref="Error"/> is Dutch and shown as is.</summary>
public sealed record StepResult(string? Error, string? ChallengeId = null, Account? Account = null)
{
    public bool Ok => Error is null;
}

/// <summary>
/// Accounts and their life cycle: the practice registers a person, the person activates with the
/// e-mail link, an SMS code and a password of their own; login is e-mail + password + SMS code.
/// Passwords are hashed with ASP.NET Core Identity's <see cref="PasswordHasher{TUser}"/> (PBKDF2).
/// </summary>
public sealed class AccountService(
    IdentityDb db,
    AccountStore accounts,
    IResourceStore fhir,
    IEmailSender email,
    ISmsSender sms,
    Revocations revocations,
    IOptions<IdentityServerOptions> options,
    TimeProvider time,
    ILogger<AccountService> logger)
{
    public const int MaxPasswordFailures = 5;
    public const int MaxCodeTries = 5;
    public static readonly TimeSpan CodeLifetime = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan LockoutDuration = TimeSpan.FromMinutes(15);
    public static readonly TimeSpan ActivationLinkLifetime = TimeSpan.FromDays(7);
    public static readonly TimeSpan ResetLinkLifetime = TimeSpan.FromHours(1);

    private static readonly PasswordHasher<Account> Hasher = new();
    private string Practice => options.Value.PracticeName;

    /// <summary>The practice registers a patient; the FHIR Patient must carry the same BSN (11-proef checked).</summary>
    public async Task<Account> RegisterPatientAsync(string patientId, string bsn, string emailAddress, string phone, bool sendActivation = true, CancellationToken ct = default)
    {
        if (!Bsn.IsValid(bsn))
            throw new ArgumentException($"BSN {bsn} voldoet niet aan de 11-proef");
        var patient = await fhir.ReadAsync("Patient", patientId, ct);
        if (patient is not { IsDeleted: false, Json: not null })
            throw new ArgumentException($"Patient/{patientId} bestaat niet");
        using var doc = JsonDocument.Parse(patient.Json);
        if (!HasIdentifier(doc.RootElement, KnownSystems.Bsn, bsn))
            throw new ArgumentException($"Patient/{patientId} heeft niet BSN {bsn}");
        var account = new Account(NewId(), AccountKind.Patient, emailAddress, phone, DisplayName(doc.RootElement) ?? emailAddress, bsn, patientId,
            null, null, null, null, ManagingOrganization(doc.RootElement), null, "registered", 0, null, null);
        accounts.Insert(account, time.GetUtcNow());
        if (sendActivation)
            await SendActivationAsync(account, ct);
        return account;
    }

    /// <summary>A practice manager registers a staff member; the medewerker-ID is the same person across practices.</summary>
    public async Task<Account> RegisterStaffAsync(string emailAddress, string phone, string displayName, string role, string employeeId,
        string organizationId, string? practitionerId, string? practitionerRoleId, bool sendActivation = true, CancellationToken ct = default)
    {
        if (!StaffRoles.All.Contains(role))
            throw new ArgumentException($"Onbekende rol '{role}' (huisarts, assistent, poh of praktijkmanager)");
        if (practitionerId is not null && await fhir.ReadAsync("Practitioner", practitionerId, ct) is not { IsDeleted: false })
            throw new ArgumentException($"Practitioner/{practitionerId} bestaat niet");
        var account = new Account(NewId(), AccountKind.Staff, emailAddress, phone, displayName, null, null, practitionerId, practitionerRoleId,
            role, employeeId, organizationId, null, "registered", 0, null, null);
        accounts.Insert(account, time.GetUtcNow());
        if (sendActivation)
            await SendActivationAsync(account, ct);
        return account;
    }

    /// <summary>Sets a password directly (demo accounts only): the account is active at once.</summary>
    public void ActivateWithPassword(string accountId, string password)
    {
        if (PasswordRules.Check(password) is { Count: > 0 } problems)
            throw new ArgumentException(string.Join(" ", problems));
        var account = accounts.FindById(accountId)!;
        db.Execute("UPDATE identity_account SET password_hash = @h, status = 'active' WHERE id = @id",
            ("@h", Hasher.HashPassword(account, password)), ("@id", accountId));
    }

    public async Task SendActivationAsync(Account account, CancellationToken ct = default)
    {
        // A new link replaces any earlier one that was not used yet.
        db.Execute("UPDATE identity_challenge SET stage = 'replaced' WHERE account_id = @a AND purpose = 'activation' AND stage IN ('link', 'code')",
            ("@a", account.Id));
        var link = $"{options.Value.PublicUrl.TrimEnd('/')}/account/activeren?t={CreateLink(account.Id, "activation", ActivationLinkLifetime)}";
        if (account.Kind == AccountKind.Staff)
            await email.SendAsync(account.Email, IdentityMessages.StaffActivationMailSubject(Practice), IdentityMessages.StaffActivationMailBody(account.DisplayName, Practice, link), ct);
        else
            await email.SendAsync(account.Email, IdentityMessages.ActivationMailSubject(Practice), IdentityMessages.ActivationMailBody(account.DisplayName, Practice, link), ct);
    }

    /// <summary>Password reset: always the same answer, whether or not the address is known.</summary>
    public async Task<string> RequestPasswordResetAsync(string emailAddress, CancellationToken ct = default)
    {
        var account = accounts.FindByEmail(emailAddress);
        if (account is { Status: "active" })
        {
            var link = CreateLink(account.Id, "reset", ResetLinkLifetime);
            await email.SendAsync(account.Email, IdentityMessages.ResetMailSubject(Practice),
                IdentityMessages.ResetMailBody(account.DisplayName, Practice, $"{options.Value.PublicUrl.TrimEnd('/')}/account/activeren?t={link}"), ct);
        }
        return IdentityMessages.ResetSent;
    }

    /// <summary>Step 1 of activation or reset: the e-mail link was opened; an SMS code goes out.</summary>
    public async Task<StepResult> OpenLinkAsync(string? linkToken, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        var row = string.IsNullOrEmpty(linkToken) ? null : db.Single(
            "SELECT id, account_id, expires_utc FROM identity_challenge WHERE link_hash = @h AND stage IN ('link', 'code')",
            r => new { Id = r.GetString(0), Account = r.GetString(1), Expires = IdentityDb.ParseTime(r.GetString(2)) },
            ("@h", IdentityDb.Hash(linkToken)));
        if (row is null || row.Expires < now)
            return new(IdentityMessages.LinkInvalid);
        var account = accounts.FindById(row.Account)!;
        if (Locked(account, now) is { } locked)
            return locked;
        await SendCodeAsync(account, row.Id, ct);
        return new(null, row.Id, account);
    }

    /// <summary>Step 2: the SMS code. Five wrong codes lock the account.</summary>
    public StepResult VerifyCode(string? challengeId, string? code, string expectedPurposeStage = "code")
    {
        var now = time.GetUtcNow();
        var challenge = LoadChallenge(challengeId);
        if (challenge is null)
            return new(IdentityMessages.StepExpired);
        var account = accounts.FindById(challenge.AccountId)!;
        if (Locked(account, now) is { } locked)
            return locked;
        if (challenge.Stage != expectedPurposeStage || challenge.Expires < now)
            return new(IdentityMessages.StepExpired);
        if (challenge.CodeExpires is null || challenge.CodeExpires < now)
            return new(IdentityMessages.CodeExpired, challenge.Id);
        code = code?.Trim();
        if (code is null || code.Length != 6 || !code.All(char.IsAsciiDigit))
            return new(IdentityMessages.CodeFormat, challenge.Id);
        if (!CryptographicOperations.FixedTimeEquals(Convert.FromHexString(IdentityDb.Hash(code)), Convert.FromHexString(challenge.CodeHash!)))
        {
            // Counted per code and per account: asking for a new code after a few guesses does not start the count again.
            var tries = challenge.Tries + 1;
            var failures = account.FailedCount + 1;
            if (tries >= MaxCodeTries || failures >= MaxPasswordFailures)
            {
                db.Execute("UPDATE identity_challenge SET tries = @t, stage = 'failed' WHERE id = @id", ("@t", tries), ("@id", challenge.Id));
                Lock(account.Id, now);
                logger.LogWarning("Account {Account} locked after {Failures} failed attempts ({Tries} wrong SMS codes for this code)", account.Id, failures, tries);
                return new(IdentityMessages.LockedOut);
            }
            db.Execute("UPDATE identity_challenge SET tries = @t WHERE id = @id", ("@t", tries), ("@id", challenge.Id));
            db.Execute("UPDATE identity_account SET failed_count = @f WHERE id = @id", ("@f", failures), ("@id", account.Id));
            return new(IdentityMessages.WrongCode(Math.Min(MaxCodeTries - tries, MaxPasswordFailures - failures)), challenge.Id);
        }
        var next = challenge.Purpose == "login" ? "done" : "password";
        db.Execute("UPDATE identity_challenge SET stage = @s, code_hash = NULL WHERE id = @id", ("@s", next), ("@id", challenge.Id));
        if (challenge.Purpose == "login")
            db.Execute("UPDATE identity_account SET failed_count = 0 WHERE id = @id", ("@id", account.Id));
        return new(null, challenge.Id, account);
    }

    /// <summary>Step 3 of activation or reset: the password of the patient's own choosing.</summary>
    public StepResult SetPassword(string? challengeId, string? password, string? confirmation)
    {
        var now = time.GetUtcNow();
        var challenge = LoadChallenge(challengeId);
        if (challenge is null || challenge.Stage != "password" || challenge.Expires < now)
            return new(IdentityMessages.StepExpired);
        if (PasswordRules.Check(password) is { Count: > 0 } problems)
            return new(string.Join(" ", problems), challenge.Id);
        if (password != confirmation)
            return new(IdentityMessages.PasswordsDiffer, challenge.Id);
        var account = accounts.FindById(challenge.AccountId)!;
        using var connection = db.Open();
        using var tx = connection.BeginTransaction();
        IdentityDb.Execute(connection, """
            UPDATE identity_account SET password_hash = @h, status = 'active', failed_count = 0, lockout_until_utc = NULL,
                tokens_not_before_utc = @now WHERE id = @id
            """, ("@h", Hasher.HashPassword(account, password!)), ("@now", IdentityDb.Time(now)), ("@id", account.Id));
        IdentityDb.Execute(connection, "UPDATE identity_challenge SET stage = 'done' WHERE id = @id", ("@id", challenge.Id));
        IdentityDb.Execute(connection, "UPDATE identity_refresh_token SET revoked_utc = @now WHERE account_id = @id AND revoked_utc IS NULL",
            ("@now", IdentityDb.Time(now)), ("@id", account.Id));
        tx.Commit();
        revocations.Invalidate();
        return new(null, challenge.Id, accounts.FindById(account.Id));
    }

    /// <summary>Login step 1: e-mail and password. On success an SMS code is sent and the challenge id returned.</summary>
    public async Task<StepResult> PasswordStepAsync(string? emailAddress, string? password, string? data = null, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        var account = string.IsNullOrWhiteSpace(emailAddress) ? null : accounts.FindByEmail(emailAddress);
        if (account is null)
        {
            Hasher.VerifyHashedPassword(null!, DummyHash, password ?? "");
            return new(IdentityMessages.WrongCredentials);
        }
        if (Locked(account, now) is { } locked)
            return locked;
        if (account.Status == "disabled")
            return new(IdentityMessages.Disabled);
        if (account.PasswordHash is null || Hasher.VerifyHashedPassword(account, account.PasswordHash, password ?? "") == PasswordVerificationResult.Failed)
        {
            var failures = account.FailedCount + 1;
            if (failures >= MaxPasswordFailures)
            {
                Lock(account.Id, now);
                return new(IdentityMessages.LockedOut);
            }
            db.Execute("UPDATE identity_account SET failed_count = @f WHERE id = @id", ("@f", failures), ("@id", account.Id));
            return new(IdentityMessages.WrongCredentials);
        }
        if (!account.IsActive)
            return new(IdentityMessages.NotActivated);
        var id = NewId();
        db.Execute("""
            INSERT INTO identity_challenge (id, account_id, purpose, stage, expires_utc, data, created_utc)
            VALUES (@id, @a, 'login', 'code', @exp, @data, @now)
            """, ("@id", id), ("@a", account.Id), ("@exp", IdentityDb.Time(now.AddMinutes(30))), ("@data", data), ("@now", IdentityDb.Time(now)));
        await SendCodeAsync(account, id, ct);
        return new(null, id, account);
    }

    /// <summary>The data stored with a login challenge (the authorization request it belongs to).</summary>
    public string? ChallengeData(string challengeId) =>
        db.Single("SELECT data FROM identity_challenge WHERE id = @id", r => IdentityDb.String(r, "data") ?? "", ("@id", challengeId)) is { Length: > 0 } d ? d : null;

    /// <summary>
    /// Logout everywhere: every token and portal session issued so far stops working and refresh tokens
    /// are revoked, on every instance (within <see cref="Revocations.StalenessBound"/> on the others).
    /// </summary>
    public string LogoutEverywhere(string accountId)
    {
        EndAllSessions(accountId);
        return IdentityMessages.LoggedOutEverywhere;
    }

    /// <summary>Every token, refresh token and portal session of the account ends (also on other instances, within the staleness bound).</summary>
    internal void EndAllSessions(string accountId)
    {
        var now = IdentityDb.Time(time.GetUtcNow());
        using (var connection = db.Open())
        using (var tx = connection.BeginTransaction())
        {
            IdentityDb.Execute(connection, "UPDATE identity_account SET tokens_not_before_utc = @now WHERE id = @id", ("@now", now), ("@id", accountId));
            IdentityDb.Execute(connection, "UPDATE identity_refresh_token SET revoked_utc = @now WHERE account_id = @id AND revoked_utc IS NULL", ("@now", now), ("@id", accountId));
            tx.Commit();
        }
        revocations.Invalidate();
        TokensRevoked?.Invoke(accountId);
    }

    /// <summary>Raised when all of an account's tokens were invalidated, so caches can forget them.</summary>
    public event Action<string>? TokensRevoked;

    private async Task SendCodeAsync(Account account, string challengeId, CancellationToken ct)
    {
        var code = RandomNumberGenerator.GetInt32(0, 1_000_000).ToString("D6");
        var now = time.GetUtcNow();
        db.Execute("UPDATE identity_challenge SET code_hash = @h, code_expires_utc = @exp, tries = 0, stage = 'code' WHERE id = @id",
            ("@h", IdentityDb.Hash(code)), ("@exp", IdentityDb.Time(now + CodeLifetime)), ("@id", challengeId));
        await sms.SendAsync(account.Phone, IdentityMessages.SmsText(Practice, code), ct);
    }

    private string CreateLink(string accountId, string purpose, TimeSpan lifetime)
    {
        var token = IdentityDb.NewSecret();
        var now = time.GetUtcNow();
        db.Execute("""
            INSERT INTO identity_challenge (id, account_id, purpose, stage, link_hash, expires_utc, created_utc)
            VALUES (@id, @a, @p, 'link', @h, @exp, @now)
            """, ("@id", NewId()), ("@a", accountId), ("@p", purpose), ("@h", IdentityDb.Hash(token)),
            ("@exp", IdentityDb.Time(now + lifetime)), ("@now", IdentityDb.Time(now)));
        return token;
    }

    private StepResult? Locked(Account account, DateTimeOffset now) =>
        account.LockoutUntil is { } until && until > now ? new(IdentityMessages.LockedOut) : null;

    private void Lock(string accountId, DateTimeOffset now) =>
        db.Execute("UPDATE identity_account SET failed_count = 0, lockout_until_utc = @u WHERE id = @id",
            ("@u", IdentityDb.Time(now + LockoutDuration)), ("@id", accountId));

    private sealed record Challenge(string Id, string AccountId, string Purpose, string Stage, string? CodeHash, DateTimeOffset? CodeExpires, int Tries, DateTimeOffset Expires);

    private Challenge? LoadChallenge(string? id) => string.IsNullOrEmpty(id) ? null : db.Single(
        "SELECT * FROM identity_challenge WHERE id = @id",
        r => new Challenge(r.GetString(r.GetOrdinal("id")), r.GetString(r.GetOrdinal("account_id")), r.GetString(r.GetOrdinal("purpose")),
            r.GetString(r.GetOrdinal("stage")), IdentityDb.String(r, "code_hash"), IdentityDb.ParseTime(r, "code_expires_utc"),
            r.GetInt32(r.GetOrdinal("tries")), IdentityDb.ParseTime(r.GetString(r.GetOrdinal("expires_utc")))),
        ("@id", id));

    private static readonly string DummyHash = Hasher.HashPassword(null!, "timing-equaliser-" + Guid.NewGuid());

    public static string NewId() => Guid.NewGuid().ToString("N");

    internal static bool HasIdentifier(JsonElement resource, string system, string value) =>
        resource.TryGetProperty("identifier", out var ids) && ids.ValueKind == JsonValueKind.Array &&
        ids.EnumerateArray().Any(i => i.TryGetProperty("system", out var s) && s.GetString() == system
            && i.TryGetProperty("value", out var v) && v.GetString() == value);

    internal static string? ManagingOrganization(JsonElement patient) =>
        patient.TryGetProperty("managingOrganization", out var org) && org.TryGetProperty("reference", out var r)
            && r.GetString() is { } reference && reference.StartsWith("Organization/", StringComparison.Ordinal)
            ? reference["Organization/".Length..] : null;

    internal static string? DisplayName(JsonElement patient)
    {
        if (!patient.TryGetProperty("name", out var names) || names.ValueKind != JsonValueKind.Array || names.GetArrayLength() == 0)
            return null;
        var name = names[0];
        var given = name.TryGetProperty("given", out var g) && g.GetArrayLength() > 0 ? g[0].GetString() : null;
        var family = name.TryGetProperty("family", out var f) ? f.GetString() : null;
        return string.Join(" ", new[] { given, family }.Where(x => !string.IsNullOrEmpty(x)));
    }
}

public static class KnownSystems
{
    public const string Bsn = "http://fhir.nl/fhir/NamingSystem/bsn";
    public const string EmployeeId = "https://fhir.huisartsportaal.nl/NamingSystem/medewerker-id";
}
