using System.Text.Json;
using System.Text.RegularExpressions;
using Fhir.Server.Definitions;

namespace Fhir.Server.Validation;

/// <summary>Rules on whole resources: id format, contained resources, meta.profile. https://hl7.org/fhir/R4/resource.html</summary>
internal sealed partial class ValidationWalk
{
    private void CheckResourceId(JsonElement resource)
    {
        if (resource.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String && !IdText().IsMatch(id.GetString()!))
        {
            Error(IssueType.Value, $"'{Shorten(id.GetString()!)}' is not a valid resource id: 1 to 64 characters from A-Z, a-z, 0-9, '-' and '.'.", "id");
        }
    }

    private void CheckContainedRules(JsonElement resource)
    {
        if (resource.TryGetProperty("contained", out _))
        {
            Error(IssueType.Invariant, "A contained resource must not contain other resources (dom-2).", "contained");
        }
        if (resource.TryGetProperty("meta", out var meta) && meta.ValueKind == JsonValueKind.Object)
        {
            if (meta.TryGetProperty("versionId", out _))
            {
                Warning(IssueType.Invariant, "A contained resource should not have meta.versionId (dom-4).", "meta.versionId");
            }
            if (meta.TryGetProperty("lastUpdated", out _))
            {
                Warning(IssueType.Invariant, "A contained resource should not have meta.lastUpdated (dom-4).", "meta.lastUpdated");
            }
        }
    }

    private void CheckProfiles(JsonElement resource, string type)
    {
        if (!resource.TryGetProperty("meta", out var meta) || meta.ValueKind != JsonValueKind.Object ||
            !meta.TryGetProperty("profile", out var profiles) || profiles.ValueKind != JsonValueKind.Array)
        {
            return;
        }
        var i = 0;
        foreach (var entry in profiles.EnumerateArray())
        {
            var index = i++;
            if (entry.ValueKind != JsonValueKind.String) continue;
            var url = entry.GetString()!;
            var profile = _definitions.GetStructure(url);
            if (profile is null || !url.Contains('/'))
            {
                Warning(IssueType.NotSupported, $"Profile '{url}' is not known to this server; validated against the base definition of {type} only.", $"meta.profile[{index}]");
                continue;
            }
            if (profile.Type != type || !profile.IsResource)
            {
                Error(IssueType.Invalid, $"Profile '{url}' constrains {profile.Type}, not {type}.", $"meta.profile[{index}]");
                continue;
            }
            if (!profile.IsProfile) continue;

            var before = Issues.Count;
            ValidateObject(resource, validator.NodeFor(profile.Root), type, isResourceRoot: true);
            // Rules the profile shares with the base definition would be reported twice.
            for (var n = Issues.Count - 1; n >= before; n--)
            {
                var issue = Issues[n];
                var duplicate = false;
                for (var k = 0; k < before && !duplicate; k++) duplicate = Issues[k] == issue;
                if (duplicate) Issues.RemoveAt(n);
            }
        }
    }

    [GeneratedRegex(@"^[A-Za-z0-9\-\.]{1,64}$")]
    private static partial Regex IdText();
}
