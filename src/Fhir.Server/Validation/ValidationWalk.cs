using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Fhir.Server.Definitions;

namespace Fhir.Server.Validation;

/// <summary>One validation run: walks the JSON alongside the element tree and collects issues.</summary>
internal sealed partial class ValidationWalk(ResourceValidator validator)
{
    private const int MaxDepth = 64;
    private readonly FhirDefinitions _definitions = validator.Definitions;
    private readonly List<(string Name, int Index)> _path = new(16);
    private JsonElement _resource;
    private IReadOnlyList<string>? _referenceTargets;
    private int _bundleDepth;

    public List<ValidationIssue> Issues { get; } = [];

    public void ValidateRoot(JsonElement value, string? expectedType)
    {
        _path.Add((expectedType ?? "Resource", -1));
        ValidateResource(value, expectedType, contained: false);
    }

    private void ValidateResource(JsonElement value, string? expectedType, bool contained)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            Error(IssueType.Structure, $"A resource must be a JSON object, found {Describe(value)}.");
            return;
        }
        if (!value.TryGetProperty("resourceType", out var typeProperty))
        {
            Error(IssueType.Required, "The resource has no 'resourceType' property.");
            return;
        }
        if (typeProperty.ValueKind != JsonValueKind.String)
        {
            Error(IssueType.Structure, $"'resourceType' must be a string, found {Describe(typeProperty)}.");
            return;
        }
        var type = typeProperty.GetString()!;
        var structure = _definitions.GetStructure(type);
        if (structure is null || !structure.IsResource || structure.IsAbstract || structure.IsProfile || structure.Type != type)
        {
            Error(IssueType.Invalid, $"Unknown resource type '{type}'.");
            return;
        }
        if (_path.Count == 1 && _path[0].Index < 0) _path[0] = (type, -1);
        if (expectedType is not null && expectedType != type)
        {
            Error(IssueType.Invalid, $"The resource type is '{type}' but '{expectedType}' was expected.");
        }
        if (_path.Count > MaxDepth)
        {
            Error(IssueType.Structure, $"Resources are nested more than {MaxDepth} levels deep.");
            return;
        }

        var outerResource = _resource;
        _resource = value;
        if (type == "Bundle") _bundleDepth++;
        ValidateObject(value, validator.NodeFor(structure.Root), type, isResourceRoot: true);
        if (type == "Bundle") _bundleDepth--;
        CheckResourceId(value);
        if (contained) CheckContainedRules(value);
        CheckProfiles(value, type);
        _resource = outerResource;
    }

    private void ValidateObject(JsonElement obj, ValidationNode node, string? typeCode, bool isResourceRoot)
    {
        var elements = node.Elements;
        Span<int> counts = elements.Length <= 256 ? stackalloc int[elements.Length] : new int[elements.Length];
        var propertyCount = obj.GetPropertyCount();
        if (propertyCount == 0 && !isResourceRoot)
        {
            Error(IssueType.Structure, "An element must not be an empty object.");
            return;
        }

        // Names are read once (JsonProperty.Name allocates) and kept to pair 'x' with '_x'.
        var properties = ArrayPool<(string Name, JsonElement Value)>.Shared.Rent(propertyCount);
        try
        {
            var hasCompanions = false;
            var n = 0;
            foreach (var property in obj.EnumerateObject())
            {
                var name = property.Name;
                if (name.Length > 1 && name[0] == '_') hasCompanions = true;
                properties[n++] = (name, property.Value);
            }

            for (var p = 0; p < n; p++)
            {
                var (name, value) = properties[p];
                if (isResourceRoot && name == "resourceType") continue;
                if (name.Length > 1 && name[0] == '_')
                {
                    var baseName = name[1..];
                    if (node.ByJsonName.TryGetValue(baseName, out var companionOf) && companionOf.Kind == ValueKind.Primitive && !companionOf.IsSystemTyped)
                    {
                        if (Find(properties, n, baseName, companion: false).ValueKind != JsonValueKind.Undefined) continue; // validated with its value
                        counts[companionOf.Index] += ValidateSlot(companionOf, default, value, counts[companionOf.Index]);
                        continue;
                    }
                    UnknownElement(name, node);
                    continue;
                }
                if (!node.ByJsonName.TryGetValue(name, out var child))
                {
                    UnknownElement(name, node);
                    continue;
                }
                var companion = hasCompanions && child.Kind == ValueKind.Primitive && !child.IsSystemTyped
                    ? Find(properties, n, name, companion: true)
                    : default;
                counts[child.Index] += ValidateSlot(child, value, companion, counts[child.Index]);
            }
        }
        finally
        {
            Array.Clear(properties, 0, propertyCount);
            ArrayPool<(string, JsonElement)>.Shared.Return(properties);
        }

        foreach (var index in node.Required)
        {
            var element = elements[index];
            if (counts[index] < element.Min)
            {
                Error(IssueType.Required,
                    $"Element '{element.Name}' is required (minimum cardinality {element.Min}) but {(counts[index] == 0 ? "is missing" : $"occurs {counts[index]} time(s)")}.",
                    element.ChoiceBaseName);
            }
        }

        foreach (var index in node.SlicedRequired)
        {
            if (counts[index] > 0) continue;
            foreach (var slice in elements[index].Slices)
            {
                if (slice.Min > 0)
                {
                    Error(IssueType.Required, $"Slice '{slice.SliceName}' of '{elements[index].Name}' requires at least {slice.Min} value(s), found 0.", elements[index].ChoiceBaseName);
                }
            }
        }

        switch (typeCode)
        {
            case "Extension":
                CheckExtension(obj);
                break;
            case "Reference":
                CheckReference(obj);
                break;
            case "Identifier":
                CheckIdentifier(obj);
                break;
        }
        EvaluateConstraints(node.Owner, obj);
    }

    private static JsonElement Find((string Name, JsonElement Value)[] properties, int count, string name, bool companion)
    {
        var offset = companion ? 1 : 0;
        for (var i = 0; i < count; i++)
        {
            var candidate = properties[i].Name;
            if (candidate.Length == name.Length + offset && (!companion || candidate[0] == '_') &&
                candidate.AsSpan(offset).SequenceEqual(name))
            {
                return properties[i].Value;
            }
        }
        return default;
    }

    /// <summary>Validates one property (value and/or its <c>_x</c> companion) and returns how many values it holds.</summary>
    private int ValidateSlot(ValidationChild child, JsonElement value, JsonElement companion, int alreadySeen)
    {
        var element = child.Element;
        _path.Add((child.JsonName, -1));
        try
        {
            if (alreadySeen > 0)
            {
                Error(IssueType.Structure, element.IsChoice
                    ? $"Only one value is allowed for the choice element '{element.ChoiceBaseName}[x]'."
                    : $"Element '{child.JsonName}' occurs more than once.");
                return 0;
            }
            var hasValue = value.ValueKind != JsonValueKind.Undefined;
            var hasCompanion = companion.ValueKind != JsonValueKind.Undefined;
            if (element.IsArray)
            {
                return ValidateArraySlot(child, value, companion, hasValue, hasCompanion);
            }
            if ((hasValue && value.ValueKind == JsonValueKind.Array) || (hasCompanion && companion.ValueKind == JsonValueKind.Array))
            {
                Error(IssueType.Structure, $"Element '{child.JsonName}' has maximum cardinality {MaxText(element.BaseMax)} and must not be an array.");
                return 1;
            }
            if (hasValue && value.ValueKind == JsonValueKind.Null)
            {
                Error(IssueType.Structure, $"Element '{child.JsonName}' must not be null.");
                return 0;
            }
            if (element.Max == 0)
            {
                Error(IssueType.Structure, $"Element '{child.JsonName}' is not allowed here (maximum cardinality 0).");
            }
            if (child.Slices is { } sliceSet && hasValue)
            {
                Span<int> sliceCounts = stackalloc int[sliceSet.Slices.Length];
                child = SliceFor(child, sliceSet, value, sliceCounts);
                ValidateItem(child, value, companion, hasValue, hasCompanion);
                CheckSliceCounts(sliceSet, sliceCounts, child.JsonName);
                return 1;
            }
            ValidateItem(child, value, companion, hasValue, hasCompanion);
            return 1;
        }
        finally
        {
            _path.RemoveAt(_path.Count - 1);
        }
    }

    private int ValidateArraySlot(ValidationChild child, JsonElement value, JsonElement companion, bool hasValue, bool hasCompanion)
    {
        var element = child.Element;
        if (hasValue && value.ValueKind != JsonValueKind.Array)
        {
            Error(IssueType.Structure, $"Element '{child.JsonName}' has maximum cardinality {MaxText(element.BaseMax)} and must be an array, found {Describe(value)}.");
            return 1;
        }
        if (hasCompanion && companion.ValueKind != JsonValueKind.Array)
        {
            Error(IssueType.Structure, $"Element '_{child.JsonName}' must be an array aligned with '{child.JsonName}', found {Describe(companion)}.");
            return hasValue ? value.GetArrayLength() : 1;
        }
        var length = hasValue ? value.GetArrayLength() : companion.GetArrayLength();
        if (hasValue && hasCompanion && companion.GetArrayLength() != length)
        {
            Error(IssueType.Structure, $"Arrays '{child.JsonName}' ({length} items) and '_{child.JsonName}' ({companion.GetArrayLength()} items) must have the same length.");
            return length;
        }
        if (length == 0)
        {
            Error(IssueType.Structure, $"Element '{(hasValue ? "" : "_")}{child.JsonName}' must not be an empty array.");
            return 0;
        }
        if (element.Max >= 0 && length > element.Max)
        {
            Error(IssueType.Structure, element.Max == 0
                ? $"Element '{child.JsonName}' is not allowed here (maximum cardinality 0)."
                : $"Element '{child.JsonName}' has {length} items, more than its maximum cardinality {element.Max}.");
        }
        var slot = _path.Count - 1;
        var sliceSet = child.Slices;
        Span<int> sliceCounts = sliceSet is null ? [] : stackalloc int[sliceSet.Slices.Length];
        // Enumerated, not indexed: JsonElement indexing walks arrays of objects from the start.
        var values = hasValue ? value.EnumerateArray() : default;
        var companions = hasCompanion ? companion.EnumerateArray() : default;
        for (var i = 0; i < length; i++)
        {
            _path[slot] = (child.JsonName, i);
            var item = hasValue && values.MoveNext() ? values.Current : default;
            var itemCompanion = hasCompanion && companions.MoveNext() ? companions.Current : default;
            var itemHasValue = hasValue && item.ValueKind != JsonValueKind.Null;
            var itemHasCompanion = hasCompanion && itemCompanion.ValueKind != JsonValueKind.Null;
            if (!itemHasValue && !itemHasCompanion)
            {
                Error(IssueType.Structure, child.Kind == ValueKind.Primitive
                    ? $"Item {i} of '{child.JsonName}' is null in both '{child.JsonName}' and '_{child.JsonName}'."
                    : $"Item {i} of '{child.JsonName}' must not be null.");
                continue;
            }
            if (child.Kind != ValueKind.Primitive && hasValue && item.ValueKind == JsonValueKind.Null)
            {
                Error(IssueType.Structure, $"Item {i} of '{child.JsonName}' must not be null.");
                continue;
            }
            var itemChild = sliceSet is not null && itemHasValue ? SliceFor(child, sliceSet, item, sliceCounts) : child;
            ValidateItem(itemChild, item, itemCompanion, itemHasValue, itemHasCompanion);
        }
        if (sliceSet is not null)
        {
            _path[slot] = (child.JsonName, -1);
            CheckSliceCounts(sliceSet, sliceCounts, child.JsonName);
        }
        return length;
    }

    private ValidationChild SliceFor(ValidationChild child, SliceSet sliceSet, JsonElement value, Span<int> sliceCounts)
    {
        var index = sliceSet.Match(value);
        if (index >= 0)
        {
            sliceCounts[index]++;
            return sliceSet.Slices[index].Child;
        }
        if (sliceSet.IsClosed)
        {
            Error(IssueType.Structure, $"The value matches none of the slices of '{child.JsonName}' ({string.Join(", ", sliceSet.Slices.Select(s => s.Element.SliceName))}) and the slicing is closed.");
        }
        return child;
    }

    private void CheckSliceCounts(SliceSet sliceSet, Span<int> sliceCounts, string jsonName)
    {
        for (var i = 0; i < sliceSet.Slices.Length; i++)
        {
            var slice = sliceSet.Slices[i];
            if (slice.Tests is null && sliceSet.Sliced.IsChoice) continue;
            if (sliceCounts[i] < slice.Element.Min)
            {
                Error(IssueType.Required, $"Slice '{slice.Element.SliceName}' of '{jsonName}' requires at least {slice.Element.Min} value(s), found {sliceCounts[i]}.");
            }
            else if (slice.Element.Max >= 0 && sliceCounts[i] > slice.Element.Max)
            {
                Error(IssueType.Structure, $"Slice '{slice.Element.SliceName}' of '{jsonName}' allows at most {slice.Element.Max} value(s), found {sliceCounts[i]}.");
            }
        }
    }

    private void ValidateItem(ValidationChild child, JsonElement value, JsonElement companion, bool hasValue, bool hasCompanion)
    {
        switch (child.Kind)
        {
            case ValueKind.Primitive:
                if (hasValue)
                {
                    ValidatePrimitive(child, value);
                }
                if (hasCompanion)
                {
                    if (companion.ValueKind != JsonValueKind.Object)
                    {
                        Error(IssueType.Structure, $"The primitive extension '_{child.JsonName}' must be an object, found {Describe(companion)}.");
                    }
                    else
                    {
                        ValidateObject(companion, validator.ElementNode, null, isResourceRoot: false);
                    }
                }
                break;
            case ValueKind.Resource:
                ValidateResource(value, null, contained: child.Element.Name == "contained");
                return;
            default:
                if (value.ValueKind != JsonValueKind.Object)
                {
                    Error(IssueType.Structure, $"Element '{child.JsonName}' of type {child.TypeCode ?? "BackboneElement"} must be a JSON object, found {Describe(value)}.");
                    return;
                }
                if (_path.Count > MaxDepth * 4)
                {
                    Error(IssueType.Structure, "The resource is nested too deeply.");
                    return;
                }
                var outerTargets = _referenceTargets;
                if (child.TypeCode == "Reference") _referenceTargets = ReferenceTargets(child.Element);
                ValidateObject(value, validator.NodeFor(child.Owner!), child.TypeCode, isResourceRoot: false);
                _referenceTargets = outerTargets;
                break;
        }
        if (hasValue)
        {
            var element = child.Element;
            if (element.Binding is { IsRequired: true, ValueSet: { } valueSet }) CheckBinding(child, value, valueSet);
            if (element.Fixed is { } fixedValue && !JsonEquals(fixedValue, value))
            {
                Error(IssueType.Value, $"Value must be exactly {fixedValue.GetRawText()} (fixed by {element.Structure.Url}).");
            }
            if (element.Pattern is { } pattern && !JsonMatchesPattern(pattern, value))
            {
                Error(IssueType.Value, $"Value must match the pattern {pattern.GetRawText()} (from {element.Structure.Url}).");
            }
        }
    }

    private void ValidatePrimitive(ValidationChild child, JsonElement value)
    {
        var type = child.TypeCode!;
        switch (type)
        {
            case "boolean":
                if (value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                {
                    Error(IssueType.Structure, $"A boolean must be a JSON true or false, found {Describe(value)}.");
                }
                return;
            case "integer":
            case "positiveInt":
            case "unsignedInt":
                ValidateInteger(type, value);
                return;
            case "decimal":
                if (value.ValueKind != JsonValueKind.Number)
                {
                    Error(IssueType.Structure, $"A decimal must be a JSON number, found {Describe(value)}.");
                }
                return;
        }
        if (value.ValueKind != JsonValueKind.String)
        {
            Error(IssueType.Structure, $"A value of type {type} must be a JSON string, found {Describe(value)}.");
            return;
        }
        if (type == "xhtml")
        {
            // Narrative is often the largest value; it is not copied out just to be checked.
            if (value.ValueEquals(ReadOnlySpan<byte>.Empty)) Error(IssueType.Structure, "A value of type xhtml must not be an empty string.");
            return;
        }
        var text = value.GetString()!;
        if (text.Length == 0)
        {
            Error(IssueType.Structure, $"A value of type {type} must not be an empty string.");
            return;
        }
        if (HasControlCharacter(text))
        {
            Error(IssueType.Value, $"'{Shorten(text)}' is not a valid {type}: characters below U+0020 other than tab, CR and LF are not allowed.");
            return;
        }
        if (!MatchesSpecFormat(type, text, child.Primitive))
        {
            Error(IssueType.Value, $"'{Shorten(text)}' is not a valid {type}.");
            return;
        }
        if (type is "date" or "dateTime" or "instant" && text.Length >= 10 && !IsRealDate(text))
        {
            Error(IssueType.Value, $"'{Shorten(text)}' is not a valid {type}: no such calendar date.");
        }
    }

    private void ValidateInteger(string type, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Number)
        {
            Error(IssueType.Structure, $"A value of type {type} must be a JSON number, found {Describe(value)}.");
            return;
        }
        var raw = value.GetRawText();
        if (!IntegerText().IsMatch(raw))
        {
            Error(IssueType.Value, $"'{raw}' is not a valid {type}: it must be a whole number without fraction or exponent.");
            return;
        }
        if (!value.TryGetInt32(out var number))
        {
            Error(IssueType.Value, $"'{raw}' is out of range for {type} (32-bit signed integer).");
            return;
        }
        if (type == "positiveInt" && number < 1)
        {
            Error(IssueType.Value, $"'{raw}' is not a valid positiveInt: it must be 1 or more.");
        }
        else if (type == "unsignedInt" && number < 0)
        {
            Error(IssueType.Value, $"'{raw}' is not a valid unsignedInt: it must be 0 or more.");
        }
    }

    /// <summary>
    /// The spec's regex for the type (https://hl7.org/fhir/R4/datatypes.html#primitive), with the
    /// frequent whitespace-only ones checked by hand: they are most of the values and the hand check
    /// is an order of magnitude faster. XML Schema whitespace is space, tab, CR and LF.
    /// </summary>
    private static bool MatchesSpecFormat(string type, string text, StructureDefinitionModel? primitive)
    {
        switch (type)
        {
            case "string":
            case "markdown":
            case "xhtml":
                return true; // [ \r\n\t\S]+ : any non-empty text
            case "uri":
            case "url":
            case "canonical":
                return text.AsSpan().IndexOfAny(XmlWhitespace) < 0; // \S*
            case "code":
                return IsCode(text); // [^\s]+(\s[^\s]+)*
            case "base64Binary":
                return IsBase64(text); // (\s*([0-9a-zA-Z\+/=]){4}\s*)+
        }
        var pattern = primitive?.PrimitivePattern;
        if (pattern is null) return true;
        try
        {
            return pattern.IsMatch(text);
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }

    private static readonly SearchValues<char> XmlWhitespace = SearchValues.Create(" \t\r\n");

    private static bool IsCode(string text)
    {
        var previousWhitespace = true;
        foreach (var c in text)
        {
            var whitespace = c is ' ' or '\t' or '\r' or '\n';
            if (whitespace && previousWhitespace) return false;
            previousWhitespace = whitespace;
        }
        return !previousWhitespace;
    }

    private static bool IsBase64(string text)
    {
        var count = 0;
        foreach (var c in text)
        {
            if (c is ' ' or '\t' or '\r' or '\n')
            {
                if (count % 4 != 0) return false;
            }
            else if (char.IsAsciiLetterOrDigit(c) || c is '+' or '/' or '=')
            {
                count++;
            }
            else
            {
                return false;
            }
        }
        return count > 0 && count % 4 == 0;
    }

    // https://hl7.org/fhir/R4/datatypes.html#string: the spec's regex (\S) does not exclude them.
    private static bool HasControlCharacter(string text)
    {
        foreach (var c in text)
        {
            if (c < ' ' && c != '\t' && c != '\r' && c != '\n') return true;
        }
        return false;
    }

    private static bool IsRealDate(string text)
    {
        if (text.Length < 10 || text[4] != '-' || text[7] != '-') return true;
        var year = int.Parse(text.AsSpan(0, 4), CultureInfo.InvariantCulture);
        var month = int.Parse(text.AsSpan(5, 2), CultureInfo.InvariantCulture);
        var day = int.Parse(text.AsSpan(8, 2), CultureInfo.InvariantCulture);
        return year >= 1 && month is >= 1 and <= 12 && day >= 1 && day <= DateTime.DaysInMonth(year, month);
    }

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

    private void CheckBinding(ValidationChild child, JsonElement value, string valueSetUrl)
    {
        var valueSet = _definitions.GetValueSet(valueSetUrl);
        if (valueSet is null) return;
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

    private void EvaluateConstraints(ElementModel element, JsonElement focus)
    {
        var evaluator = validator.Constraints;
        if (evaluator is null) return;
        foreach (var constraint in element.Constraints)
        {
            if (evaluator.Evaluate(constraint, focus, _resource) == false)
            {
                var message = $"Constraint {constraint.Key} failed: {constraint.Human ?? constraint.Expression}";
                if (constraint.Severity == "error") Error(IssueType.Invariant, message);
                else Warning(IssueType.Invariant, message);
            }
        }
    }

    private void UnknownElement(string name, ValidationNode node)
    {
        var hint = "";
        foreach (var element in node.Elements)
        {
            if (element.IsChoice && name.StartsWith(element.ChoiceBaseName, StringComparison.Ordinal) && name.Length > element.ChoiceBaseName.Length &&
                char.IsUpper(name[element.ChoiceBaseName.Length]))
            {
                hint = $" The choice element '{element.ChoiceBaseName}[x]' allows: {string.Join(", ", element.Types.Select(t => t.Code))}.";
                break;
            }
        }
        Error(IssueType.Structure, $"Unknown element '{name}'.{hint}", name);
    }

    private void Error(string code, string diagnostics, string? child = null) =>
        Issues.Add(new ValidationIssue(IssueSeverity.Error, code, diagnostics, Location(child)));

    private void Warning(string code, string diagnostics, string? child = null) =>
        Issues.Add(new ValidationIssue(IssueSeverity.Warning, code, diagnostics, Location(child)));

    private string Location(string? child)
    {
        var builder = new StringBuilder();
        foreach (var (name, index) in _path)
        {
            if (builder.Length > 0) builder.Append('.');
            builder.Append(name);
            if (index >= 0) builder.Append('[').Append(index).Append(']');
        }
        if (child is not null) builder.Append('.').Append(child);
        return builder.ToString();
    }

    private static string MaxText(int max) => max < 0 ? "*" : max.ToString(CultureInfo.InvariantCulture);

    private static string Shorten(string text) => text.Length <= 100 ? text : text[..100] + "...";

    private static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => $"the string \"{Shorten(value.GetString()!)}\"",
        JsonValueKind.Number => $"the number {value.GetRawText()}",
        JsonValueKind.True or JsonValueKind.False => $"the boolean {value.GetRawText()}",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };

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

    [GeneratedRegex(@"^-?[0-9]+$")]
    private static partial Regex IntegerText();

    [GeneratedRegex(@"^[A-Za-z0-9\-\.]{1,64}$")]
    private static partial Regex IdText();

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
