namespace Portal.Host.Tests;

/// <summary>Wrong configuration stops the host at start with one clear line and a non-zero exit code.</summary>
public class StartupConfigurationTests
{
    [Theory]
    [InlineData("--Portal:Roles=fhir,banana", "Portal:Roles")]
    [InlineData("--Storage:Provider=Oracle", "Storage:Provider")]
    [InlineData("--Portal:TrustedProxies=10.0.0.1,proxy.local", "Portal:TrustedProxies")]
    [InlineData("--ConnectionStrings:Portal=Data Sorce=x.db", "ConnectionStrings:Portal")]
    [InlineData("--ConnectionStrings:Portal=Data Source=/proc/no-such-place/portal.db", "/proc/no-such-place")]
    [InlineData("--Fhir:MaxBodyBytes=-5", "MaxBodyBytes")]
    [InlineData("--Identity:DigiD:Enabled=true", "Identity:DigiD:Enabled")]
    [InlineData("--Identity:Sms:Sender=HttpGateway", "Identity:Sms:GatewayUrl")]
    [InlineData("--Identity:DemoPassword=kort", "Identity:DemoPassword")]
    [InlineData("--Identity:AccessTokenMinutes=0", "AccessTokenMinutes")]
    public async Task WrongSetting_StopsWithOneClearLine(string argument, string named)
    {
        using var dir = new TempDirectory();
        using var host = HostProcess.Start(dir.Path, argument, "--Demo:Seed=false");

        var exitCode = await host.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(2, exitCode);
        var lines = host.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("Configuration error:", lines[0]);
        Assert.Contains(named, lines[0]);
        Assert.DoesNotContain("   at ", host.StandardOutput + host.StandardError);
    }
}
