using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using Fhir.Server.Search;
using Fhir.Server.Store;
using Graph.Api.Messaging.Storage;
using Graph.Engine.Execution;
using Graph.Engine.Types;
using Identity.OAuth;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Quartz;

namespace Graph.Api.Tests.Infrastructure;

/// <summary>
/// The real host over a fresh SQLite file with the demo practice. GraphQL runs through the host's
/// executor in process with a caller's claims, as the Blazor UI will call it; the access policy is the
/// host's real one (src/Identity). Searches are counted, to prove lists do not query per row.
/// </summary>
public class PortalApiFactory : WebApplicationFactory<Program>
{
    public const string Organization = "praktijk-de-linde";

    public PortalApiFactory()
    {
        DataDirectory = Path.Combine(Path.GetTempPath(), "graph-api-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(DataDirectory);
    }

    public string DataDirectory { get; }

    public CountingSearch Searches => Services.GetRequiredService<CountingSearch>();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("ConnectionStrings:Portal", $"Data Source={Path.Combine(DataDirectory, "portal.db")}");
        builder.UseSetting("Demo:Seed", "true");
        builder.UseSetting("Demo:SlotDays", "1");
        builder.UseSetting("Identity:OutboxPath", Path.Combine(DataDirectory, "outbox"));
        builder.UseSetting("Identity:RateLimit:LoginPerMinute", "100000");
        builder.UseSetting("Identity:RateLimit:TokenPerMinute", "100000");
        builder.UseSetting("Identity:RateLimit:SignupPerHour", "100000");
        builder.ConfigureTestServices(services =>
        {
            // Tests run the jobs (dispatch, reminders, deadline watch) themselves. The schedule is still
            // registered, but its scheduler does not start, so an interval job's first run at start
            // cannot race a test (a CI run once saw a notification sent by it before the test's own dispatcher).
            services.Configure<QuartzHostedServiceOptions>(o => o.StartDelay = TimeSpan.FromDays(1));
            services.AddSingleton(sp => new CountingSearch(sp.GetRequiredService<FhirSearch>()));
            services.AddSingleton<IFhirSearch>(sp => sp.GetRequiredService<CountingSearch>());
        });
    }

    public static ClaimsPrincipal Patient(string patientId, string name = "Patiënt") => Principal(
        (TokenClaims.Kind, TokenClaims.KindPatient), (TokenClaims.FhirUser, $"Patient/{patientId}"), (TokenClaims.Name, name),
        (TokenClaims.Scope, "openid fhirUser user/*.cruds"), ("sub", patientId));

    public static ClaimsPrincipal Staff(string practitionerId, string role = "assistent", string organization = Organization) => Principal(
        (TokenClaims.Kind, TokenClaims.KindStaff), (TokenClaims.FhirUser, $"Practitioner/{practitionerId}"), (TokenClaims.Role, role),
        (TokenClaims.Organization, organization), (TokenClaims.Name, practitionerId), (TokenClaims.Scope, "openid fhirUser user/*.cruds"), ("sub", practitionerId));

    private static ClaimsPrincipal Principal(params (string Type, string Value)[] claims) =>
        new(new ClaimsIdentity(claims.Select(c => new Claim(c.Type, c.Value)), "test", TokenClaims.Name, TokenClaims.Role));

    /// <summary>Runs a GraphQL request as <paramref name="user"/>; returns the response as JSON (data and errors).</summary>
    public async Task<JsonElement> GraphAsync(ClaimsPrincipal? user, string query, object? variables = null)
    {
        var executor = Services.GetRequiredService<GraphExecutor>();
        using var scope = Services.CreateScope();
        var request = new GraphRequest
        {
            Query = query,
            Variables = variables is null ? null : InputCoercion.FromJsonObject(JsonSerializer.SerializeToElement(variables)),
        };
        var result = await executor.ExecuteAsync(request, new RequestContext { User = user, Services = scope.ServiceProvider });
        return JsonDocument.Parse(ResultSerializer.ToUtf8Bytes(result)).RootElement.Clone();
    }

    /// <summary>A HIS with a real system token from the token endpoint.</summary>
    public async Task<HttpClient> HisClientAsync()
    {
        Services.GetRequiredService<ClientRegistry>().Save("his", "HIS", ClientAuthMethods.ClientSecretBasic, ["system/*.cruds"], secret: "his-secret-0123456789");
        var client = CreateClient();
        using var token = new HttpRequestMessage(HttpMethod.Post, "/auth/token")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["scope"] = "system/*.cruds" }),
        };
        token.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("his:his-secret-0123456789")));
        var response = await client.SendAsync(token);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", JsonDocument.Parse(body).RootElement.GetProperty("access_token").GetString());
        return client;
    }

    public int PortalCommands => Services.GetRequiredService<PortalDb>().CommandCount;

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>Counts searches; otherwise the real search.</summary>
public sealed class CountingSearch(FhirSearch inner) : IFhirSearch
{
    private int _count;

    public int Count => _count;

    public IReadOnlyList<string> FindIds(IWriteSession? session, string type, string query, int limit)
    {
        Interlocked.Increment(ref _count);
        return inner.FindIds(session, type, query, limit);
    }

    public Task<byte[]> SearchBundleAsync(string? type, string query, string baseUrl, CancellationToken ct)
    {
        Interlocked.Increment(ref _count);
        return inner.SearchBundleAsync(type, query, baseUrl, ct);
    }
}
