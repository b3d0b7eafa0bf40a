using Fhir.Server;
using Identity.OAuth;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Identity.Cli;

/// <summary>
/// Host commands for the authorization server, run instead of the web server:
/// <code>
/// clients add --id his-medicom --name "Medicom HIS" --auth private_key_jwt --jwks-file his.jwks.json --scopes "system/*.cruds"
/// clients add --id lab-koppeling --name "Lab" --auth client_secret_basic --scopes "system/Observation.cruds"   (prints the secret once)
/// clients add --id mijn-app --name "Mijn app" --auth none --redirect-uri http://localhost:3000/callback --scopes "launch/patient openid fhirUser offline_access patient/*.rs"
/// clients list | clients remove --id X | keys rotate
/// </code>
/// </summary>
public static class IdentityCli
{
    public static bool IsCommand(string[] args) => args.Length > 0 && args[0] is "clients" or "keys";

    public static int Run(WebApplication app, string[] args, TextWriter output, TextWriter error)
    {
        app.Services.InitializeFhirStore(Extensions.Migrations);
        var clients = app.Services.GetRequiredService<ClientRegistry>();
        try
        {
            switch (args)
            {
                case ["clients", "add", .. var rest]:
                {
                    var o = Options(rest);
                    var auth = o.GetValueOrDefault("auth") ?? ClientAuthMethods.PrivateKeyJwt;
                    var jwks = o.TryGetValue("jwks-file", out var file) ? File.ReadAllText(file) : o.GetValueOrDefault("jwks");
                    var id = o.GetValueOrDefault("id") ?? throw new ArgumentException("--id is required");
                    var secret = clients.Save(id, o.GetValueOrDefault("name") ?? id, auth, [o.GetValueOrDefault("scopes") ?? throw new ArgumentException("--scopes is required")],
                        o.GetValueOrDefault("redirect-uri")?.Split(' ', StringSplitOptions.RemoveEmptyEntries), jwks, o.GetValueOrDefault("secret"));
                    output.WriteLine($"client {id} saved ({auth})");
                    if (secret is not null)
                        output.WriteLine($"client_secret: {secret}");
                    return 0;
                }
                case ["clients", "list"]:
                    foreach (var c in clients.All())
                        output.WriteLine($"{c.ClientId}\t{c.AuthMethod}\t{string.Join(' ', c.Scopes)}\t{string.Join(' ', c.RedirectUris)}\t{c.Name}");
                    return 0;
                case ["clients", "remove", .. var rest]:
                {
                    var id = Options(rest).GetValueOrDefault("id") ?? throw new ArgumentException("--id is required");
                    output.WriteLine(clients.Remove(id) ? $"client {id} removed" : $"client {id} does not exist");
                    return 0;
                }
                case ["keys", "rotate"]:
                    output.WriteLine($"new signing key {app.Services.GetRequiredService<SigningKeys>().Rotate().Kid}; the previous key stays published for a day");
                    return 0;
                default:
                    error.WriteLine("usage: clients add --id ID --name NAME --auth private_key_jwt|client_secret_basic|none [--jwks-file F] [--secret S] [--redirect-uri U] --scopes \"...\" | clients list | clients remove --id ID | keys rotate");
                    return 64;
            }
        }
        catch (Exception ex) when (ex is ArgumentException or IOException)
        {
            error.WriteLine(ex.Message);
            return 64;
        }
    }

    private static Dictionary<string, string> Options(string[] args)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
                continue;
            var key = args[i][2..];
            var eq = key.IndexOf('=');
            if (eq >= 0)
                options[key[..eq]] = key[(eq + 1)..];
            else if (i + 1 < args.Length)
                options[key] = args[++i];
        }
        return options;
    }
}
