using System.Net;
using System.Text;

namespace Portal.Host.Tests;

public class DurabilityTests
{
    /// <summary>Every write the server acknowledged is there after kill -9 and a restart.</summary>
    [Fact]
    public async Task AcknowledgedWrites_SurviveKillMinus9()
    {
        using var dir = new TempDirectory();
        var acknowledged = new List<string>();
        HostProcess.RegisterTestClient(dir.Path);
        using (var host = HostProcess.Start(dir.Path, "--Demo:Seed=false"))
        {
            Assert.True(await host.WaitUntilReadyAsync(TimeSpan.FromSeconds(60)), host.StandardOutput + host.StandardError);
            using var client = await host.CreateAuthorizedClientAsync();
            var writes = Enumerable.Range(0, 300).Select(async i =>
            {
                var response = await client.PostAsync("/fhir/Basic", new StringContent(
                    $$$"""{"resourceType":"Basic","code":{"text":"durable {{{i}}}"}}""", Encoding.UTF8, "application/fhir+json"));
                return response.StatusCode == HttpStatusCode.Created ? response.Headers.Location!.AbsolutePath : null;
            });
            acknowledged.AddRange((await Task.WhenAll(writes)).OfType<string>());
            host.KillHard();
        }
        Assert.Equal(300, acknowledged.Count);

        using (var host = HostProcess.Start(dir.Path, "--Demo:Seed=false"))
        {
            Assert.True(await host.WaitUntilReadyAsync(TimeSpan.FromSeconds(60)), host.StandardOutput + host.StandardError);
            using var client = await host.CreateAuthorizedClientAsync();
            foreach (var location in acknowledged)
            {
                var response = await client.GetAsync(location);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }
        }
    }
}
