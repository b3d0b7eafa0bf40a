using System.Text.RegularExpressions;
using Fhir.Server.Features.Security;

namespace Identity.OAuth;

/// <summary>
/// A SMART resource scope: context (patient, user, system), resource type or *, and permissions
/// (c, r, u, d, s). v2 syntax <c>patient/Observation.rs</c>; v1 <c>.read</c> is rs, <c>.write</c> is cud, <c>.*</c> is cruds.
/// Finer-grained v2 scopes with a query (<c>?category=...</c>) are not granted by this version.
/// https://hl7.org/fhir/smart-app-launch/scopes-and-launch-context.html
/// </summary>
public sealed partial record SmartScope(string Context, string Type, string Permissions)
{
    public static readonly IReadOnlySet<string> NonResourceScopes = new HashSet<string>(StringComparer.Ordinal)
    {
        "openid", "fhirUser", "profile", "launch", "launch/patient", "offline_access", "online_access",
    };

    public static SmartScope? Parse(string scope)
    {
        var m = Pattern().Match(scope);
        if (!m.Success || m.Groups[3].Value.Length == 0)
            return null;
        var perms = m.Groups[3].Value switch
        {
            "read" => "rs",
            "write" => "cud",
            "*" => "cruds",
            var v2 => v2,
        };
        return new SmartScope(m.Groups[1].Value, m.Groups[2].Value, perms);
    }

    public static bool IsKnown(string scope) => NonResourceScopes.Contains(scope) || Parse(scope) is not null;

    /// <summary>Does <paramref name="granted"/> (a client's registration) cover <paramref name="requested"/>?</summary>
    public static bool Covers(IEnumerable<string> granted, string requested)
    {
        if (NonResourceScopes.Contains(requested))
            return granted.Contains(requested);
        var want = Parse(requested);
        if (want is null)
            return false;
        var have = granted.Select(Parse).Where(s => s is not null && s.Context == want.Context && (s.Type == "*" || s.Type == want.Type)).ToList();
        return want.Permissions.All(p => have.Any(h => h!.Permissions.Contains(p)));
    }

    public bool Allows(string type, char permission) => (Type == "*" || Type == type) && Permissions.Contains(permission);

    /// <summary>The permission letter an interaction needs.</summary>
    public static char PermissionFor(FhirInteraction interaction) => interaction switch
    {
        FhirInteraction.Read or FhirInteraction.VRead or FhirInteraction.HistoryInstance => 'r',
        FhirInteraction.Search or FhirInteraction.HistoryType or FhirInteraction.HistorySystem => 's',
        FhirInteraction.Create or FhirInteraction.Validate => 'c',
        FhirInteraction.Update or FhirInteraction.Patch => 'u',
        FhirInteraction.Delete => 'd',
        _ => '?',
    };

    [GeneratedRegex(@"^(patient|user|system)/([A-Z][A-Za-z]+|\*)\.(read|write|\*|c?r?u?d?s?)$")]
    private static partial Regex Pattern();
}
