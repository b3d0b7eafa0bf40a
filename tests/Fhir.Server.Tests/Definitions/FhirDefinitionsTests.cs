using System.Diagnostics;
using Fhir.Server.Definitions;
using Xunit.Abstractions;

namespace Fhir.Server.Tests.Definitions;

[Collection(Validation.TimingCollection.Name)]
public sealed class FhirDefinitionsTests(ITestOutputHelper output)
{
    private static FhirDefinitions Defs => FhirDefinitions.Default;

    [Fact]
    public void Load_FromBuildOutput_IsFast()
    {
        var directory = Path.Combine(AppContext.BaseDirectory, FhirDefinitions.FolderName);
        Assert.True(Directory.Exists(Path.Combine(directory, "r4")), "fhir-profiles is copied to the build output");
        var first = Stopwatch.StartNew();
        var definitions = FhirDefinitions.Load(directory);
        first.Stop();
        var wall = Stopwatch.StartNew();
        // Processor time (all threads) rather than wall time: the build machine is shared.
        var cpu = Validation.ProcessorTime.Of(() =>
        {
            for (var i = 0; i < 3; i++) FhirDefinitions.Load(directory);
        }) / 3;
        output.WriteLine($"Load: first {first.Elapsed.TotalMilliseconds:F0} ms wall, then {cpu.TotalMilliseconds:F0} ms processor time " +
            $"({wall.Elapsed.TotalMilliseconds / 3:F0} ms wall); {definitions.ResourceTypes.Count} resource types, {definitions.SearchParameters.Count} search parameters");
        Assert.True(cpu < TimeSpan.FromSeconds(1), $"loading took {cpu} of processor time");
    }

    [Fact]
    public void AllStructures_BuildTheirElementTrees()
    {
        var names = Defs.ResourceTypes.Concat(["Element", "BackboneElement", "Resource", "DomainResource", "HumanName", "Extension", "string", "xhtml"]);
        foreach (var name in names)
        {
            var structure = Defs.GetStructure(name)!;
            Assert.Equal(structure.Type, structure.Root.Path);
            Assert.All(structure.Elements, e => Assert.True(e.ContentReference is null || e.ContentReferenceTarget is not null, e.Path));
        }
    }

    [Fact]
    public void Load_MissingFolder_FailsWithClearMessage()
    {
        var ex = Assert.Throws<DirectoryNotFoundException>(() => FhirDefinitions.Load("/nonexistent/fhir-profiles"));
        Assert.Contains("/nonexistent/fhir-profiles/r4", ex.Message);
    }

    [Fact]
    public void Load_ProjectFileThatIsNoResource_FailsNamingTheFile()
    {
        var directory = Path.Combine(Path.GetTempPath(), "fhir-profiles-bad-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(directory, "project"));
        try
        {
            Directory.CreateSymbolicLink(Path.Combine(directory, "r4"), Path.Combine(Defs.Directory, "r4"));
            File.WriteAllText(Path.Combine(directory, "project", "package.json"), """{"name":"x"}""");
            var ex = Assert.Throws<InvalidDataException>(() => FhirDefinitions.Load(directory));
            Assert.Contains("package.json", ex.Message);

            File.WriteAllText(Path.Combine(directory, "project", "package.json"),
                """{"resourceType":"StructureDefinition","url":"http://x/sd","name":"X","type":"Patient","kind":"resource","differential":{"element":[]}}""");
            ex = Assert.Throws<InvalidDataException>(() => FhirDefinitions.Load(directory));
            Assert.Contains("has no snapshot", ex.Message);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void GetCompartment_Patient_ListsLinkingParameters()
    {
        var patient = Defs.GetCompartment("Patient");
        Assert.Equal(["subject", "performer"], patient["Observation"]);
        Assert.False(patient.ContainsKey("Organization"));
        Assert.Contains("MedicationRequest", patient.Keys);
        Assert.Empty(Defs.GetCompartment("Nope"));
    }

    [Fact]
    public void Structures_IncludeProfilesAndTypes()
    {
        Assert.Contains(Defs.Structures, s => s.Url == "http://hl7.org/fhir/StructureDefinition/SimpleQuantity");
        Assert.Contains(Defs.Structures, s => s.Url == "http://hl7.org/fhir/StructureDefinition/Patient");
    }

    [Fact]
    public void ResourceTypes_AreTheConcreteR4Types()
    {
        Assert.Equal(146, Defs.ResourceTypes.Count);
        Assert.Contains("Patient", Defs.ResourceTypes);
        Assert.Contains("Bundle", Defs.ResourceTypes);
        Assert.DoesNotContain("Resource", Defs.ResourceTypes);
        Assert.DoesNotContain("DomainResource", Defs.ResourceTypes);
        Assert.True(Defs.IsResourceType("Observation"));
        Assert.False(Defs.IsResourceType("HumanName"));
        Assert.False(Defs.IsResourceType("patient"));
    }

    [Theory]
    [InlineData("HumanName", true, false)]
    [InlineData("Quantity", true, false)]
    [InlineData("string", true, true)]
    [InlineData("dateTime", true, true)]
    [InlineData("Patient", false, false)]
    [InlineData("Foo", false, false)]
    public void IsDataType_AndIsPrimitiveType_FollowTheStructureKind(string name, bool dataType, bool primitive)
    {
        Assert.Equal(dataType, Defs.IsDataType(name));
        Assert.Equal(primitive, Defs.IsPrimitiveType(name));
    }

    [Fact]
    public void GetStructure_ByNameAndByCanonicalUrl_ReturnsSameModel()
    {
        var byName = Defs.GetStructure("Patient");
        Assert.NotNull(byName);
        Assert.Same(byName, Defs.GetStructure("http://hl7.org/fhir/StructureDefinition/Patient"));
        Assert.Same(byName, Defs.GetStructure("http://hl7.org/fhir/StructureDefinition/Patient|4.0.1"));
        Assert.Equal("resource", byName.Kind);
        Assert.False(byName.IsAbstract);
        Assert.Equal("http://hl7.org/fhir/StructureDefinition/DomainResource", byName.BaseDefinition);
        Assert.Equal("Patient", byName.Root.Path);
    }

    [Fact]
    public void GetStructure_Profile_ByUrlOnly()
    {
        var simple = Defs.GetStructure("http://hl7.org/fhir/StructureDefinition/SimpleQuantity");
        Assert.NotNull(simple);
        Assert.True(simple.IsProfile);
        Assert.Equal("Quantity", simple.Type);
        Assert.Equal("Quantity", Defs.GetStructure("Quantity")!.Name);
        Assert.Equal(0, simple.FindElement("Quantity.comparator")!.Max);
    }

    [Fact]
    public void FindElement_CrossesIntoDataTypes()
    {
        var given = Defs.GetStructure("Patient")!.FindElement("Patient.name.given");
        Assert.NotNull(given);
        Assert.Equal("HumanName.given", given.Path);
        Assert.Equal(0, given.Min);
        Assert.Equal(-1, given.Max);
        Assert.True(given.IsArray);
        Assert.Equal("string", Assert.Single(given.Types).Code);
    }

    [Fact]
    public void FindElement_ChoiceElement_ByBaseNameAndByTypedName()
    {
        var observation = Defs.GetStructure("Observation")!;
        var value = observation.FindElement("Observation.value");
        Assert.NotNull(value);
        Assert.True(value.IsChoice);
        Assert.Equal("Observation.value[x]", value.Path);
        Assert.Same(value, observation.FindElement("Observation.value[x]"));
        Assert.Same(value, observation.FindElement("Observation.valueQuantity"));
        Assert.Contains(value.Types, t => t.Code == "Quantity");

        Assert.True(observation.Root.TryGetChild("valueQuantity", out var match));
        Assert.Same(value, match.Element);
        Assert.Equal("Quantity", match.TypeCode);
        Assert.True(observation.Root.TryGetChild("valueString", out match));
        Assert.Equal("string", match.TypeCode);
        Assert.False(observation.Root.TryGetChild("valueUri", out _));
        Assert.False(observation.Root.TryGetChild("value", out _));
    }

    [Fact]
    public void FindElement_ContentReference_IsResolved()
    {
        var questionnaire = Defs.GetStructure("Questionnaire")!;
        var nested = questionnaire.FindElement("Questionnaire.item.item");
        Assert.NotNull(nested);
        Assert.Equal("#Questionnaire.item", nested.ContentReference);
        Assert.Same(questionnaire.FindElement("Questionnaire.item"), nested.ContentReferenceTarget);
        Assert.NotNull(questionnaire.FindElement("Questionnaire.item.item.linkId"));
        Assert.NotNull(questionnaire.FindElement("Questionnaire.item.item.item.answerOption"));
    }

    [Fact]
    public void Element_CarriesBindingAndTargetProfiles()
    {
        var patient = Defs.GetStructure("Patient")!;
        var gender = patient.FindElement("Patient.gender")!;
        Assert.Equal("required", gender.Binding!.Strength);
        Assert.Equal("http://hl7.org/fhir/ValueSet/administrative-gender|4.0.1", gender.Binding.ValueSet);

        var gp = patient.FindElement("Patient.generalPractitioner")!;
        var reference = Assert.Single(gp.Types);
        Assert.Equal("Reference", reference.Code);
        Assert.Equal(["Organization", "Practitioner", "PractitionerRole"], reference.TargetTypes);
    }

    [Fact]
    public void PrimitiveTypes_CarryTheSpecRegex()
    {
        var date = Defs.GetStructure("date")!;
        Assert.True(date.IsPrimitive);
        Assert.NotNull(date.PrimitiveRegex);
        Assert.Matches(date.PrimitivePattern!, "2024-02-29");
        Assert.DoesNotMatch(date.PrimitivePattern!, "2024-13-01");
        Assert.Equal("true|false", Defs.GetStructure("boolean")!.PrimitiveRegex);
        var resourceId = Defs.GetStructure("Patient")!.FindElement("Patient.id")!;
        Assert.Equal("http://hl7.org/fhirpath/System.String", Assert.Single(resourceId.Types).SystemCode);
    }

    [Fact]
    public void SearchParametersFor_IncludesResourceAndDomainResourceParameters()
    {
        var patient = Defs.SearchParametersFor("Patient").ToList();
        Assert.Contains(patient, p => p.Code == "_id");
        Assert.Contains(patient, p => p.Code == "_text");
        var birthdate = Assert.Single(patient, p => p.Code == "birthdate");
        Assert.Equal("date", birthdate.Type);
        Assert.Contains("Patient.birthDate", birthdate.Expression);
        Assert.Contains("gt", birthdate.Comparators);
        var gp = Assert.Single(patient, p => p.Code == "general-practitioner");
        Assert.Equal(["Organization", "Practitioner", "PractitionerRole"], gp.Target.Order());

        Assert.DoesNotContain(Defs.SearchParametersFor("Bundle"), p => p.Code == "_text");
        Assert.Contains(Defs.SearchParametersFor("Bundle"), p => p.Code == "_id");
        Assert.Empty(Defs.SearchParametersFor("NoSuchType"));
    }

    [Fact]
    public void SearchParameters_CompositeHasComponents()
    {
        var composite = Assert.Single(Defs.SearchParametersFor("Observation"), p => p.Code == "code-value-quantity");
        Assert.Equal("composite", composite.Type);
        Assert.Equal(2, composite.Components.Count);
        Assert.Equal("http://hl7.org/fhir/SearchParameter/clinical-code", composite.Components[0].Definition);
    }

    [Fact]
    public void GetValueSet_EnumeratedCodeSystem_AnswersMembership()
    {
        var gender = Defs.GetValueSet("http://hl7.org/fhir/ValueSet/administrative-gender|4.0.1");
        Assert.NotNull(gender);
        Assert.True(gender.IsExpandable);
        Assert.Equal(ValueSetMembership.Member, gender.Contains("http://hl7.org/fhir/administrative-gender", "female"));
        Assert.Equal(ValueSetMembership.Member, gender.Contains(null, "unknown"));
        Assert.Equal(ValueSetMembership.NotMember, gender.Contains(null, "F"));
        Assert.Equal(ValueSetMembership.NotMember, gender.Contains("http://other", "female"));
    }

    [Fact]
    public void GetValueSet_UnknownSystem_CannotCheck()
    {
        // Mime types (BCP-13) are not enumerable here.
        var mimeTypes = Defs.GetValueSet("http://hl7.org/fhir/ValueSet/mimetypes");
        Assert.NotNull(mimeTypes);
        Assert.False(mimeTypes.IsExpandable);
        Assert.Equal(ValueSetMembership.CannotCheck, mimeTypes.Contains("urn:ietf:bcp:13", "application/fhir+json"));
    }
}
