using Identity.Access;
using Identity.Accounts;
using Microsoft.Extensions.Options;
using Identity;

namespace Portal.Host.Demo;

/// <summary>
/// Portal accounts for the demo practice's patients and staff, created once (by e-mail address) with
/// the demo password, so the demo can log in at once; SMS codes arrive in the outbox folder. Emma de
/// Jong is registered as the parent with gezag of Sophie (10, so access) and Daan (14, no consent yet,
/// so no access).
/// </summary>
public sealed class DemoAccounts(
    AccountService accounts,
    AccountStore store,
    ProxyAccess proxies,
    IOptions<IdentityServerOptions> options,
    ILogger<DemoAccounts> logger)
{
    public sealed record Demo(string Email, string Phone, string Description);

    public static readonly (string PatientId, string Bsn, string Email, string Phone)[] PatientAccounts =
    [
        ("patient-emma-de-jong", "908301662", "emma.dejong@example.nl", "06-10000001"),
        ("patient-daan-de-jong", "390996038", "daan.dejong@example.nl", "06-10000002"),
        ("patient-pieter-van-den-berg", "948219932", "pieter.vandenberg@example.nl", "06-10000003"),
        ("patient-fatima-el-amrani", "518190936", "fatima.elamrani@example.nl", "06-10000004"),
        ("patient-willem-bos", "786579754", "willem.bos@example.nl", "06-10000005"),
    ];

    public const string ManagerEmail = "manager@praktijkdelinde.nl";

    public static string StaffEmail(DemoPractice.Staff s) => $"{s.Given.ToLowerInvariant()}.{(s.Prefix + s.Family).ToLowerInvariant()}@praktijkdelinde.nl";

    public async Task<IReadOnlyList<Demo>> EnsureAsync(CancellationToken ct)
    {
        var password = options.Value.DemoPassword;
        var created = 0;
        foreach (var (patientId, bsn, email, phone) in PatientAccounts)
        {
            if (store.FindByEmail(email) is not null)
                continue;
            var account = await accounts.RegisterPatientAsync(patientId, bsn, email, phone, sendActivation: false, ct);
            accounts.ActivateWithPassword(account.Id, password);
            created++;
        }
        var number = 11;
        foreach (var s in DemoPractice.Practitioners)
        {
            var email = StaffEmail(s);
            var phone = $"06-100000{number++}";
            if (store.FindByEmail(email) is not null)
                continue;
            var name = string.Join(" ", new[] { s.Given, s.Prefix, s.Family }.Where(x => x.Length > 0));
            var account = await accounts.RegisterStaffAsync(email, phone, name, s.Role, s.EmployeeId, DemoPractice.OrganizationId,
                s.Id, $"rol-{s.Id}", sendActivation: false, ct);
            accounts.ActivateWithPassword(account.Id, password);
            created++;
        }
        if (store.FindByEmail(ManagerEmail) is null)
        {
            var manager = await accounts.RegisterStaffAsync(ManagerEmail, "06-10000020", "Marco Meijer", StaffRoles.Praktijkmanager, "MW-1007",
                DemoPractice.OrganizationId, null, null, sendActivation: false, ct);
            accounts.ActivateWithPassword(manager.Id, password);
            created++;
        }
        proxies.RegisterGezag("patient-emma-de-jong", "patient-sophie-de-jong");
        proxies.RegisterGezag("patient-emma-de-jong", "patient-daan-de-jong");
        if (created > 0)
            logger.LogInformation("Created {Count} demo accounts", created);
        return List();
    }

    public IReadOnlyList<Demo> List() => store.All().Where(a => a.Email.EndsWith("@example.nl", StringComparison.Ordinal) || a.Email.EndsWith("@praktijkdelinde.nl", StringComparison.Ordinal))
        .Select(a => new Demo(a.Email, a.Phone, a.Kind == AccountKind.Patient ? $"patiënt {a.DisplayName} (Patient/{a.PatientId})" : $"{a.StaffRole} {a.DisplayName} ({a.EmployeeId})"))
        .ToList();
}
