using Portal.Host;
using Portal.Host.Configuration;

try
{
    var builder = WebApplication.CreateBuilder(args);
    builder.AddPortal();

    var app = builder.Build();
    app.MapPortal();
    await app.RunAsync();
    return 0;
}
catch (Exception ex) when (StartupChecks.Describe(ex) is { } problem)
{
    await Console.Error.WriteLineAsync($"Configuration error: {problem}");
    return 2;
}

public partial class Program;
