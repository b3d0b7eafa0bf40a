using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Fhir.Server.Tests.Infrastructure;

/// <summary>
/// The real host (Portal.Host's Program) over a fresh SQLite file per factory, without the demo
/// practice unless asked for. Requests go through the whole HTTP pipeline.
/// </summary>
public class FhirServerFactory : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> _settings;

    public FhirServerFactory() : this([])
    {
    }

    protected FhirServerFactory(Dictionary<string, string?> settings)
    {
        DataDirectory = Path.Combine(Path.GetTempPath(), "portal-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(DataDirectory);
        _settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Portal"] = $"Data Source={Path.Combine(DataDirectory, "portal.db")}",
            ["Demo:Seed"] = "false",
        };
        foreach (var (k, v) in settings)
            _settings[k] = v;
    }

    public string DataDirectory { get; }

    public const string TestClientId = "test-his";
    public const string TestClientSecret = "test-his-secret-0123456789";
    private string? _systemToken;

    /// <summary>
    /// A real system/*.cruds access token, obtained once per factory through the token endpoint with
    /// client_secret_basic for a test HIS client registered here. Every client from CreateClient carries it.
    /// </summary>
    public string SystemToken => _systemToken ??= ObtainSystemToken();

    protected override void ConfigureClient(HttpClient client)
    {
        base.ConfigureClient(client);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", SystemToken);
    }

    /// <summary>
    /// Writes index rows generated in SQL (for plan tests at a size the HTTP API would take minutes to fill) through the
    /// store's writer, as every write of the server, then fills the reference/date pair rows with the server's own backfill.
    /// </summary>
    public void SeedIndexRows(string sql)
    {
        CreateClient();
        Services.GetRequiredService<Fhir.Server.Store.Sqlite.SqliteResourceStore>().WriteAsync(session =>
        {
            using var cmd = session.Connection.CreateCommand();
            cmd.CommandText = sql + "DELETE FROM ix_reference_date_pair;";
            return cmd.ExecuteNonQuery();
        }).GetAwaiter().GetResult();
        Services.GetRequiredService<Fhir.Server.Search.Indexing.ReferenceDateIndex>().Backfill();
    }

    /// <summary>A client without a token, for tests of what anonymous callers get.</summary>
    public HttpClient CreateAnonymousClient()
    {
        var client = Server.CreateClient();
        client.BaseAddress = ClientOptions.BaseAddress;
        return client;
    }

    private string ObtainSystemToken()
    {
        Services.GetRequiredService<Identity.OAuth.ClientRegistry>().Save(TestClientId, "Test HIS", Identity.OAuth.ClientAuthMethods.ClientSecretBasic,
            ["system/*.cruds"], secret: TestClientSecret);
        using var client = CreateAnonymousClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/auth/token")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["scope"] = "system/*.cruds" }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{TestClientId}:{TestClientSecret}")));
        using var response = client.SendAsync(request).GetAwaiter().GetResult();
        var body = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"The test client got no token: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("access_token").GetString()!;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (k, v) in _settings)
            builder.UseSetting(k, v);
    }

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

public static class FhirHttp
{
    public static StringContent Json(string json, string mediaType = "application/fhir+json") =>
        new(json, Encoding.UTF8, mediaType);

    public static StringContent Json(object value) => Json(JsonSerializer.Serialize(value));

    public static async Task<JsonElement> ReadJsonAsync(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public static async Task<HttpResponseMessage> PutWithIfMatchAsync(this HttpClient client, string url, string json, string etag)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, url) { Content = Json(json) };
        request.Headers.IfMatch.Add(EntityTagHeaderValue.Parse(etag));
        return await client.SendAsync(request);
    }

    /// <summary>Creates or updates <c>{type}/{id}</c> and asserts success (with the server's answer as the message).</summary>
    public static async Task PutOkAsync(this HttpClient client, string type, string id, string json)
    {
        var response = await client.PutAsync($"/fhir/{type}/{id}", Json(json));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>The first issue's diagnostics, for assertion messages.</summary>
    public static string Diagnostics(this JsonElement outcome) =>
        outcome.TryGetProperty("issue", out var issues) && issues.GetArrayLength() > 0
            ? string.Join(" | ", issues.EnumerateArray().Select(i => i.TryGetProperty("diagnostics", out var d) ? d.GetString() : "?"))
            : outcome.ToString();
}
