using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace Portal.Host.Tests;

/// <summary>
/// Two real Portal.Host processes on one SQLite database behind one public address: an access token
/// revoked at one process stops working at the other within Identity:RevocationRefreshSeconds.
/// (Logout everywhere across instances is proven with two in-process hosts in Identity.Tests.)
/// </summary>
public class RevocationAcrossProcessesTests
{
    [Fact]
    public async Task TokenRevokedAtOneProcess_IsRejectedByTheOther_WithinTheBound()
    {
        using var dir = new TempDirectory();
        HostProcess.RegisterTestClient(dir.Path);
        string[] settings = ["--Demo:SlotDays=1", "--Identity:RevocationRefreshSeconds=1", "--Identity:Issuer=http://portaal.test/auth", "--Fhir:BaseUrl=http://portaal.test/fhir"];
        using var first = HostProcess.Start(dir.Path, [.. settings, "--Jobs:InstanceId=a"]);
        Assert.True(await first.WaitUntilReadyAsync(TimeSpan.FromSeconds(120)), first.StandardOutput + first.StandardError);
        using var second = HostProcess.Start(dir.Path, [.. settings, "--Jobs:InstanceId=b"]);
        Assert.True(await second.WaitUntilReadyAsync(TimeSpan.FromSeconds(120)), second.StandardOutput + second.StandardError);

        using var a = new HttpClient { BaseAddress = first.BaseAddress };
        using var b = new HttpClient { BaseAddress = second.BaseAddress };
        var token = await HostProcess.RequestSystemTokenAsync(a);
        async Task<HttpStatusCode> ReadAsync(HttpClient client)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/fhir/Patient/patient-willem-bos");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var response = await client.SendAsync(request);
            return response.StatusCode;
        }
        Assert.Equal(HttpStatusCode.OK, await ReadAsync(b));

        using var revoke = new HttpRequestMessage(HttpMethod.Post, "/auth/revoke") { Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = token }) };
        revoke.Headers.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{HostProcess.TestClientId}:{HostProcess.TestClientSecret}")));
        Assert.Equal(HttpStatusCode.OK, (await a.SendAsync(revoke)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await ReadAsync(a));

        var revokedAt = DateTime.UtcNow;
        var status = await ReadAsync(b);
        while (status != HttpStatusCode.Unauthorized && DateTime.UtcNow - revokedAt < TimeSpan.FromSeconds(5))
        {
            await Task.Delay(100);
            status = await ReadAsync(b);
        }
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.True(DateTime.UtcNow - revokedAt < TimeSpan.FromSeconds(3), "the second process took longer than the staleness bound");
    }
}
