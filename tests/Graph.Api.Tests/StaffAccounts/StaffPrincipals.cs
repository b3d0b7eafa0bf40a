using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using Fhir.Server.Features.Resources;
using Graph.Api.Tests.Infrastructure;
using Identity.Accounts;
using Identity.OAuth;
using Microsoft.Extensions.DependencyInjection;

namespace Graph.Api.Tests.StaffAccounts;

/// <summary>Callers as the portal will present them: the claims of a real account (sub = account id), and the outbox.</summary>
internal static class StaffPrincipals
{
    public const string Manager = "manager@praktijkdelinde.nl";
    public const string Assistant = "sanne.deboer@praktijkdelinde.nl";
    public const string Gp = "anna.devries@praktijkdelinde.nl";
    public const string OtherPractice = "praktijk-de-eik";

    public static Account Account(this PortalApiFactory host, string email) =>
        host.Services.GetRequiredService<AccountStore>().FindByEmail(email) ?? throw new InvalidOperationException($"no account {email}");

    public static ClaimsPrincipal As(this PortalApiFactory host, string email) => Principal(host.Account(email));

    public static ClaimsPrincipal Principal(Account a)
    {
        var claims = new List<Claim>
        {
            new("sub", a.Id),
            new(TokenClaims.Kind, a.Kind == AccountKind.Staff ? TokenClaims.KindStaff : TokenClaims.KindPatient),
            new(TokenClaims.Name, a.DisplayName),
            new(TokenClaims.Scope, "openid fhirUser user/*.cruds"),
        };
        if (a.FhirUser is { } fhirUser) claims.Add(new(TokenClaims.FhirUser, fhirUser));
        if (a.StaffRole is { } role) claims.Add(new(TokenClaims.Role, role));
        if (a.OrganizationId is { } org) claims.Add(new(TokenClaims.Organization, org));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, "test", TokenClaims.Name, TokenClaims.Role));
    }

    /// <summary>A second practice on the same server with its own practice manager (idempotent).</summary>
    public static async Task<ClaimsPrincipal> OtherPracticeManagerAsync(this PortalApiFactory host)
    {
        const string email = "manager@praktijkdeeik.nl";
        var store = host.Services.GetRequiredService<AccountStore>();
        if (store.FindByEmail(email) is null)
        {
            var resources = host.Services.GetRequiredService<ResourceService>();
            var organization = new JsonObject { ["resourceType"] = "Organization", ["id"] = OtherPractice, ["name"] = "Huisartsenpraktijk De Eik" };
            await resources.UpdateAsync("Organization", OtherPractice, JsonDocument.Parse(organization.ToJsonString()), null);
            var accounts = host.Services.GetRequiredService<AccountService>();
            var manager = await accounts.RegisterStaffAsync(email, "06-30000001", "Eva Eikenboom", StaffRoles.Praktijkmanager, "MW-9001", OtherPractice, null, null, sendActivation: false);
            accounts.ActivateWithPassword(manager.Id, PortalLogin.Password);
        }
        return host.As(email);
    }

    /// <summary>The newest e-mail to an address, from the outbox; null when there is none.</summary>
    public static string? LatestEmail(this PortalApiFactory host, string to) =>
        Emails(host, to).LastOrDefault() is { } file ? File.ReadAllText(file) : null;

    public static int EmailCount(this PortalApiFactory host, string to) => Emails(host, to).Count;

    private static List<string> Emails(PortalApiFactory host, string to)
    {
        var outbox = Path.Combine(host.DataDirectory, "outbox");
        return Directory.Exists(outbox) ? Directory.GetFiles(outbox, $"*-email-{to}-*").Order(StringComparer.Ordinal).ToList() : [];
    }

    public static string LinkToken(string email) => System.Text.RegularExpressions.Regex.Match(email, @"\?t=(\S+)").Groups[1].Value;

    public static async Task<JsonElement> HttpGraphAsync(this PortalApiFactory host, string? token, string query, object? variables = null)
    {
        using var client = host.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/graphql") { Content = JsonContent.Create(new { query, variables }) };
        if (token is not null)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var response = await client.SendAsync(request);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}
