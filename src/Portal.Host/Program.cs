using Portal.Host;
using Portal.Host.Configuration;

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
