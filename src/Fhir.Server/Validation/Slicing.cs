using System.Text.Json;
using Fhir.Server.Definitions;

namespace Fhir.Server.Validation;

/// <summary>
/// The slices of one element in a profile, prepared for matching values to slices by their
/// discriminators (value, pattern and exists on a child path; extensions by url; choice-type slices
/// by JSON name). https://hl7.org/fhir/R4/profiling.html#discriminator
/// </summary>
internal sealed class SliceSet
{
    private SliceSet(ElementModel sliced, Slice[] slices)
    {
        Sliced = sliced;
        Slices = slices;
    }

    public ElementModel Sliced { get; }

    public Slice[] Slices { get; }

    public bool IsClosed => Sliced.Slicing?.IsClosed == true;

    public static SliceSet? Create(ValidationChild baseChild, FhirDefinitions definitions)
    {
        var element = baseChild.Element;
        if (element.Slices.Count == 0) return null;
        var discriminators = element.Slicing?.Discriminators ?? [];
        var slices = new List<Slice>();
        foreach (var slice in element.Slices)
        {
            // A type slice of a choice element ("value[x]:valueQuantity") applies by JSON name.
            if (element.IsChoice)
            {
                if (slice.SliceName == baseChild.JsonName)
                {
                    var type = slice.Types.FirstOrDefault(t => baseChild.TypeCode == t.Code) ?? (slice.Types.Count == 1 ? slice.Types[0] : null);
                    slices.Add(new Slice(slice, ValidationNode.CreateChild(baseChild.Index, baseChild.JsonName, slice, type, definitions), null));
                }
                continue;
            }
            var tests = new List<Test>();
            var usable = discriminators.Count > 0;
            foreach (var discriminator in discriminators)
            {
                var test = Test.For(slice, discriminator, definitions);
                if (test is null)
                {
                    usable = false;
                    break;
                }
                tests.Add(test);
            }
            var child = ValidationNode.CreateChild(baseChild.Index, baseChild.JsonName, slice,
                slice.Types.Count == 1 ? slice.Types[0] : baseChild.Element.Types.FirstOrDefault(), definitions);
            slices.Add(new Slice(slice, child, usable ? tests.ToArray() : null));
        }
        return slices.Count == 0 ? null : new SliceSet(element, slices.ToArray());
    }

    /// <summary>The index of the slice a value belongs to, or -1.</summary>
    public int Match(JsonElement value)
    {
        for (var i = 0; i < Slices.Length; i++)
        {
            var slice = Slices[i];
            if (slice.Tests is null)
            {
                if (Sliced.IsChoice) return i;
                continue;
            }
            var all = true;
            foreach (var test in slice.Tests)
            {
                if (!test.Matches(value))
                {
                    all = false;
                    break;
                }
            }
            if (all) return i;
        }
        return -1;
    }

    internal sealed record Slice(ElementModel Element, ValidationChild Child, Test[]? Tests);

    internal sealed class Test
    {
        private readonly string[] _path;
        private readonly JsonElement _expected;
        private readonly bool? _exists;

        private Test(string[] path, JsonElement expected, bool? exists)
        {
            _path = path;
            _expected = expected;
            _exists = exists;
        }

        public static Test? For(ElementModel slice, SliceDiscriminator discriminator, FhirDefinitions definitions)
        {
            var path = discriminator.Path == "$this" ? [] : discriminator.Path.Split('.');
            var target = slice;
            foreach (var segment in path)
            {
                target = target?.GetChild(segment);
            }
            switch (discriminator.Type)
            {
                case "value":
                case "pattern":
                    if (target?.Fixed is { } fixedValue) return new Test(path, fixedValue, null);
                    if (target?.Pattern is { } pattern) return new Test(path, pattern, null);
                    // An extension slice names its definition as the type profile; that is its url.
                    if (path is ["url"] && slice.Types is [{ Code: "Extension", Profiles: [var url] }])
                    {
                        using var document = JsonDocument.Parse(JsonSerializer.Serialize(url));
                        return new Test(path, document.RootElement.Clone(), null);
                    }
                    return null;
                case "exists":
                    return target is null ? null : new Test(path, default, target.Min > 0);
                default:
                    return null;
            }
        }

        public bool Matches(JsonElement value)
        {
            var found = new List<JsonElement>();
            Collect(value, 0, found);
            if (_exists is { } exists) return exists == found.Count > 0;
            foreach (var candidate in found)
            {
                if (ValidationWalk.JsonMatchesPattern(_expected, candidate)) return true;
            }
            return false;
        }

        private void Collect(JsonElement value, int depth, List<JsonElement> found)
        {
            if (value.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in value.EnumerateArray()) Collect(item, depth, found);
                return;
            }
            if (depth == _path.Length)
            {
                found.Add(value);
                return;
            }
            if (value.ValueKind == JsonValueKind.Object && value.TryGetProperty(_path[depth], out var next))
            {
                Collect(next, depth + 1, found);
            }
        }
    }
}
