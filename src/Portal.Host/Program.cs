using Portal.Host;
using Portal.Host.Configuration;

// appsettings*.json are read once at start. Watching them for changes watches the whole content root,
// and the database (./data/portal.db and its WAL) lives under it: every commit woke the file watcher,
// which cost the FHIR read benchmark 3-6 µs of CPU per request (bench/RESULTS.md). Restart to apply changes.
Environment.SetEnvironmentVariable("DOTNET_hostBuilder__reloadConfigOnChange", "false");
try
{
    var builder = WebApplication.CreateBuilder(args);
    builder.AddPortal();

    var app = builder.Build();
    if (Identity.Cli.IdentityCli.IsCommand(args))
        return Identity.Cli.IdentityCli.Run(app, args, Console.Out, Console.Error);
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
