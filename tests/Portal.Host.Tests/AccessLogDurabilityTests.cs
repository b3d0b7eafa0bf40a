using System.Net;
using System.Text;
using System.Text.Json;

namespace Portal.Host.Tests;

public class AccessLogDurabilityTests
{
    /// <summary>
    /// The access log queues off the request path and commits to its journal as soon as something is queued: what the
    /// server served a second before a kill -9 is in the log after the restart. (What is lost on a hard kill is at most
    /// what was served in the last moments before it.) With the store round an hour away, every AuditEvent reaches the
    /// FHIR store only from the journal at the next start.
    /// </summary>
    [Theory]
    [InlineData("1")]
    [InlineData("3600")]
    public async Task AccessesServedASecondBeforeKillMinus9_AreInTheLogAfterRestart(string storeSeconds)
    {
        using var dir = new TempDirectory();
        HostProcess.RegisterTestClient(dir.Path);
        var patients = new List<string>();
        using (var host = HostProcess.Start(dir.Path, "--Demo:Seed=false", $"--Identity:AccessLogStoreSeconds={storeSeconds}"))
        {
            Assert.True(await host.WaitUntilReadyAsync(TimeSpan.FromSeconds(60)), host.StandardOutput + host.StandardError);
            using var client = await host.CreateAuthorizedClientAsync();
            for (var i = 0; i < 40; i++)
            {
                var created = await client.PostAsync("/fhir/Patient", new StringContent(
                    $$$"""{"resourceType":"Patient","name":[{"family":"Logboek {{{i}}}"}]}""", Encoding.UTF8, "application/fhir+json"));
                Assert.Equal(HttpStatusCode.Created, created.StatusCode);
                patients.Add(created.Headers.Location!.AbsolutePath.Split('/')[3]);
            }
            var reads = patients.Select(id => client.GetAsync($"/fhir/Patient/{id}"));
            Assert.All(await Task.WhenAll(reads), r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
            var search = await client.GetAsync("/fhir/Patient?family=Logboek&_count=100");
            Assert.Equal(HttpStatusCode.OK, search.StatusCode);
            await Task.Delay(TimeSpan.FromSeconds(1));
            host.KillHard();
        }

        using (var host = HostProcess.Start(dir.Path, "--Demo:Seed=false"))
        {
            Assert.True(await host.WaitUntilReadyAsync(TimeSpan.FromSeconds(60)), host.StandardOutput + host.StandardError);
            using var client = await host.CreateAuthorizedClientAsync();
            foreach (var subtype in new[] { "create", "read", "search-type" })
            {
                var logged = new HashSet<string>();
                var bundle = JsonDocument.Parse(await client.GetStringAsync($"/fhir/AuditEvent?subtype={subtype}&_count=1000")).RootElement;
                foreach (var entry in bundle.TryGetProperty("entry", out var entries) ? entries.EnumerateArray() : Enumerable.Empty<JsonElement>())
                {
                    // Entities without "what" are the searches themselves (IHE BALP's Query pattern).
                    foreach (var entity in entry.GetProperty("resource").GetProperty("entity").EnumerateArray())
                    {
                        if (entity.TryGetProperty("what", out var what))
                            logged.Add(what.GetProperty("reference").GetString()!);
                    }
                }
                var missing = patients.Where(id => !logged.Contains($"Patient/{id}")).ToList();
                Assert.True(missing.Count == 0, $"{missing.Count} of {patients.Count} patients not in the {subtype} AuditEvents " +
                    $"({(bundle.TryGetProperty("entry", out var found) ? found.GetArrayLength() : 0)} found); host log:\n{host.StandardOutput}{host.StandardError}");
            }
            if (storeSeconds == "3600")
                Assert.Contains("had written to the journal only", host.StandardOutput + host.StandardError);
        }
    }
}
