using System.Text.Json;
using System.Text.RegularExpressions;
using Fhir.Server.Definitions;

namespace Fhir.Server.Validation;

/// <summary>
/// Rules of particular data types (Extension, Reference, Identifier), required bindings and
/// fixed/pattern values. https://hl7.org/fhir/R4/datatypes.html
/// </summary>
internal sealed partial class ValidationWalk
{
    private void CheckExtension(JsonElement extension)
    {
        var hasNested = false;
        string? valueName = null;
        foreach (var property in extension.EnumerateObject())
        {
            if (property.Name == "extension") hasNested = true;
            else if (property.Name.StartsWith("value", StringComparison.Ordinal)) valueName = property.Name;
        }
        if (hasNested && valueName is not null)
        {
            Error(IssueType.Invariant, $"An extension must have either extensions or a value[x], not both (ext-1); found 'extension' and '{valueName}'.");
        }
    }

    private void CheckIdentifier(JsonElement identifier)
    {
        if (identifier.TryGetProperty("system", out var system) && system.ValueKind == JsonValueKind.String && system.ValueEquals(Bsn.System) &&
            identifier.TryGetProperty("value", out var value) && value.ValueKind == JsonValueKind.String && !Bsn.IsValid(value.GetString()))
        {
            Error(IssueType.Value, $"'{Shorten(value.GetString()!)}' is not a valid BSN: it must be 9 digits passing the 11-proef.", "value");
        }
    }

    private void CheckReference(JsonElement reference)
    {
        if (!reference.TryGetProperty("reference", out var property) || property.ValueKind != JsonValueKind.String) return;
        var text = property.GetString()!;
        if (text.Length == 0) return; // reported as an empty string already
        if (text[0] == '#')
        {
            return;
        }
        if (text.StartsWith("urn:uuid:", StringComparison.Ordinal))
        {
            if (!UuidText().IsMatch(text)) Error(IssueType.Value, $"'{Shorten(text)}' is not a valid urn:uuid reference.", "reference");
            return;
        }
        if (text.StartsWith("urn:oid:", StringComparison.Ordinal))
        {
            if (!OidText().IsMatch(text)) Error(IssueType.Value, $"'{Shorten(text)}' is not a valid urn:oid reference.", "reference");
            return;
        }
        string? targetType;
        if (text.StartsWith("http://", StringComparison.Ordinal) || text.StartsWith("https://", StringComparison.Ordinal))
        {
            if (!Uri.TryCreate(text, UriKind.Absolute, out _))
            {
                Error(IssueType.Value, $"'{Shorten(text)}' is not a valid absolute URL.", "reference");
                return;
            }
            var match = AbsoluteRestText().Match(text);
            targetType = match.Success && _definitions.IsResourceType(match.Groups[1].Value) ? match.Groups[1].Value : null;
        }
        else
        {
            var match = RelativeText().Match(text);
            if (!match.Success && _bundleDepth > 0)
            {
                // A conditional reference, resolved by the transaction. https://hl7.org/fhir/R4/http.html#trules
                match = ConditionalText().Match(text);
            }
            if (!match.Success)
            {
                Error(IssueType.Value,
                    $"'{Shorten(text)}' is not a valid reference: expected 'Type/id', 'Type/id/_history/version', an absolute URL, '#id', 'urn:uuid:' or 'urn:oid:'.",
                    "reference");
                return;
            }
            targetType = match.Groups[1].Value;
            if (!_definitions.IsResourceType(targetType))
            {
                Error(IssueType.Value, $"'{Shorten(text)}' refers to unknown resource type '{targetType}'.", "reference");
                return;
            }
        }
        if (targetType is not null && _referenceTargets is { Count: > 0 } targets && !AllowsTarget(targets, targetType))
        {
            Error(IssueType.Value, $"Reference to {targetType} is not allowed here; allowed: {string.Join(", ", targets)}.", "reference");
        }
    }

    private static IReadOnlyList<string>? ReferenceTargets(ElementModel element)
    {
        foreach (var type in element.Types)
        {
            if (type.Code == "Reference") return type.TargetTypes;
        }
        return null;
    }

    private bool AllowsTarget(IReadOnlyList<string> targets, string type)
    {
        foreach (var target in targets)
        {
            if (target == type || target == "Resource" || target == "DomainResource") return true;
            if (target.Contains('/') && _definitions.GetStructure(target) is { } profile && profile.Type == type) return true;
        }
        return false;
    }

    private void CheckBinding(ValidationChild child, JsonElement value, ValueSetModel valueSet)
    {
        var valueSetUrl = valueSet.Url;
        switch (child.TypeCode)
        {
            case "code":
                if (value.ValueKind == JsonValueKind.String && valueSet.Contains(null, value.GetString()!) == ValueSetMembership.NotMember)
                {
                    Error(IssueType.CodeInvalid, $"'{Shorten(value.GetString()!)}' is not in the required value set {valueSetUrl}.");
                }
                break;
            case "Coding":
                if (CodingMembership(valueSet, value, out var code) == ValueSetMembership.NotMember)
                {
                    Error(IssueType.CodeInvalid, $"Code '{code}' is not in the required value set {valueSetUrl}.");
                }
                break;
            case "CodeableConcept":
                if (!value.TryGetProperty("coding", out var codings) || codings.ValueKind != JsonValueKind.Array) break;
                var anyChecked = false;
                foreach (var coding in codings.EnumerateArray())
                {
                    var membership = CodingMembership(valueSet, coding, out var c);
                    if (membership is ValueSetMembership.Member or ValueSetMembership.CannotCheck) return;
                    anyChecked |= c is not null;
                }
                if (anyChecked)
                {
                    var codes = codings.EnumerateArray().Select(c => CodingMembership(valueSet, c, out var text) == ValueSetMembership.NotMember ? text : null)
                        .Where(c => c is not null);
                    Error(IssueType.CodeInvalid, $"None of the codings ({string.Join(", ", codes)}) is in the required value set {valueSetUrl}.");
                }
                break;
        }
    }

    private static ValueSetMembership CodingMembership(ValueSetModel valueSet, JsonElement coding, out string? display)
    {
        display = null;
        if (coding.ValueKind != JsonValueKind.Object || !coding.TryGetProperty("code", out var code) || code.ValueKind != JsonValueKind.String)
        {
            return ValueSetMembership.CannotCheck;
        }
        string? system = coding.TryGetProperty("system", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
        var codeText = code.GetString()!;
        var membership = valueSet.Contains(system, codeText);
        display = membership == ValueSetMembership.NotMember ? (system is null ? codeText : system + "|" + codeText) : codeText;
        return membership;
    }

    private static bool JsonEquals(JsonElement a, JsonElement b) => JsonElement.DeepEquals(a, b);

    /// <summary>pattern[x] semantics: every property of the pattern is present with a matching value; arrays match item by item in any order.</summary>
    internal static bool JsonMatchesPattern(JsonElement pattern, JsonElement value)
    {
        if (pattern.ValueKind == JsonValueKind.Object)
        {
            if (value.ValueKind != JsonValueKind.Object) return false;
            foreach (var property in pattern.EnumerateObject())
            {
                if (!value.TryGetProperty(property.Name, out var actual) || !JsonMatchesPattern(property.Value, actual)) return false;
            }
            return true;
        }
        if (pattern.ValueKind == JsonValueKind.Array)
        {
            if (value.ValueKind != JsonValueKind.Array) return false;
            foreach (var wanted in pattern.EnumerateArray())
            {
                var found = false;
                foreach (var item in value.EnumerateArray())
                {
                    if (JsonMatchesPattern(wanted, item))
                    {
                        found = true;
                        break;
                    }
                }
                if (!found) return false;
            }
            return true;
        }
        return JsonElement.DeepEquals(pattern, value);
    }

    [GeneratedRegex(@"^urn:uuid:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")]
    private static partial Regex UuidText();

    [GeneratedRegex(@"^urn:oid:[0-2](\.(0|[1-9][0-9]*))+$")]
    private static partial Regex OidText();

    [GeneratedRegex(@"^([A-Z][A-Za-z]+)/[A-Za-z0-9\-\.]{1,64}(/_history/[A-Za-z0-9\-\.]{1,64})?$")]
    private static partial Regex RelativeText();

    [GeneratedRegex(@"^([A-Z][A-Za-z]+)\?[^\s?]\S*$")]
    private static partial Regex ConditionalText();

    [GeneratedRegex(@"/([A-Z][A-Za-z]+)/[A-Za-z0-9\-\.]{1,64}(/_history/[A-Za-z0-9\-\.]{1,64})?$")]
    private static partial Regex AbsoluteRestText();
}
