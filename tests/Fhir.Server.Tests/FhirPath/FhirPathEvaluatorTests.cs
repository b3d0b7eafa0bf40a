using System.Text.Json;
using Fhir.Server.FhirPath;

namespace Fhir.Server.Tests.FhirPath;

/// <summary>Unit tests for the evaluator; section names refer to http://hl7.org/fhirpath/N1/.</summary>
public sealed class FhirPathEvaluatorTests
{
    private const string Patient = """
        {
          "resourceType": "Patient",
          "id": "p1",
          "active": true,
          "name": [
            { "use": "official", "family": "Jansen", "given": ["Jörg", "Piet"], "prefix": ["Dr."] },
            { "use": "nickname", "given": ["JJ"] }
          ],
          "gender": "male",
          "birthDate": "1974-12-25",
          "_birthDate": { "extension": [ { "url": "http://hl7.org/fhir/StructureDefinition/patient-birthTime", "valueDateTime": "1974-12-25T14:35:45-05:00" } ] },
          "deceasedBoolean": false,
          "telecom": [ { "system": "phone", "value": "020-1234567" }, { "system": "email", "value": "j@example.nl" } ],
          "extension": [ { "url": "http://example.org/level", "valueInteger": 3 } ],
          "contained": [ { "resourceType": "Organization", "id": "org1", "name": "Huisartsen De Linde" } ],
          "managingOrganization": { "reference": "#org1" },
          "generalPractitioner": [ { "reference": "Practitioner/gp1" }, { "reference": "https://fhir.example.nl/fhir/Organization/o2/_history/3" }, { "reference": "urn:uuid:0b7f6c9e-5a0f-4bd1-9e38-3f0ad2b2c9a1" } ]
        }
        """;

    private const string Observation = """
        {
          "resourceType": "Observation",
          "id": "o1",
          "status": "final",
          "code": { "coding": [ { "system": "http://loinc.org", "code": "29463-7", "display": "Body weight" } ], "text": "Gewicht" },
          "subject": { "reference": "Patient/p1" },
          "effectiveDateTime": "2026-03-01T10:00:00+01:00",
          "valueQuantity": { "value": 72.50, "unit": "kg", "system": "http://unitsofmeasure.org", "code": "kg" },
          "component": [
            { "code": { "text": "a" }, "valueQuantity": { "value": 1.0, "unit": "g" } },
            { "code": { "text": "b" }, "valueString": "x" }
          ]
        }
        """;

    private static string Eval(string json, string expression)
    {
        using var doc = JsonDocument.Parse(json);
        var result = FhirPathCompiler.Compile(expression).Evaluate(doc.RootElement);
        return string.Join(" | ", result.Select(Render));
    }

    private static string Render(FhirPathValue v) => v switch
    {
        FhirPathNode { Element.ValueKind: JsonValueKind.Object } n => n.FhirType,
        FhirPathResolvedReference r => "ref:" + r.ResourceType + "/" + r.Id,
        _ => v.ToString(),
    };

    [Theory]
    // Path navigation and type-name prefix
    [InlineData("Patient.name.family", "Jansen")]
    [InlineData("name.given", "Jörg | Piet | JJ")]
    [InlineData("Observation.name", "")]
    [InlineData("Patient.name[1].given", "JJ")]
    [InlineData("Patient.name.given[2]", "JJ")]
    [InlineData("Patient.telecom.where(system = 'email').value", "j@example.nl")]
    [InlineData("Patient.name.select(given.first())", "Jörg | JJ")]
    [InlineData("Patient.name.where(use = 'official').given.last()", "Piet")]
    // Lexical forms: delimited identifiers, comments, quoted constants, escapes
    [InlineData("Patient.`name`.family", "Jansen")]
    [InlineData("Patient.name.family // the family name", "Jansen")]
    [InlineData("/* gender */ Patient.gender", "male")]
    [InlineData("%`vs-administrative-gender`", "http://hl7.org/fhir/ValueSet/administrative-gender")]
    [InlineData("'it\\'s' + ' \\u00e9'", "it's é")]
    // Choice types
    [InlineData("Patient.deceased", "false")]
    [InlineData("Patient.deceased is boolean", "true")]
    [InlineData("Patient.deceased.exists() and Patient.deceased != false", "false")]
    // Existence, subsetting, counting
    [InlineData("Patient.name.exists()", "true")]
    [InlineData("Patient.photo.empty()", "true")]
    [InlineData("Patient.name.given.count()", "3")]
    [InlineData("Patient.name.given.tail()", "Piet | JJ")]
    [InlineData("Patient.name.given.skip(1).take(1)", "Piet")]
    [InlineData("Patient.name.given.exists($this = 'JJ')", "true")]
    [InlineData("Patient.name.all(given.exists())", "true")]
    [InlineData("(1 | 2 | 2 | 3).distinct().count()", "3")]
    [InlineData("Patient.name.given.select($index)", "0 | 1 | 2")]
    // Precedence and arithmetic
    [InlineData("1 + 2 * 3", "7")]
    [InlineData("(1 + 2) * 3", "9")]
    [InlineData("-2 + 5", "3")]
    [InlineData("7 div 2", "3")]
    [InlineData("7 mod 2", "1")]
    [InlineData("7 / 2", "3.5")]
    [InlineData("1.50 + 1", "2.50")]
    [InlineData("'a' + 'b' & {} & 'c'", "abc")]
    [InlineData("2 * 3 = 6 and 1 < 2", "true")]
    [InlineData("1 | 2 = 1 | 2", "true")]
    // Empty propagation and three-valued logic
    [InlineData("{} = 1", "")]
    [InlineData("Patient.foo + 1", "")]
    [InlineData("{} and false", "false")]
    [InlineData("{} and true", "")]
    [InlineData("{} or true", "true")]
    [InlineData("true xor false", "true")]
    [InlineData("false implies {}", "true")]
    [InlineData("(1 = 1).not()", "false")]
    // Equality, equivalence, comparison
    [InlineData("'abc' ~ 'ABC'", "true")]
    [InlineData("1.0 = 1", "true")]
    [InlineData("1.2 ~ 1.24", "true")]
    [InlineData("Patient.birthDate = @1974-12-25", "true")]
    [InlineData("Patient.birthDate < @1975", "true")]
    [InlineData("@2012-01 = @2012-01-01", "")]
    [InlineData("@2012-01-01T10:00:00+01:00 = @2012-01-01T09:00:00Z", "true")]
    [InlineData("@2012-01-31 + 1 month", "2012-02-29")]
    [InlineData("10 'mg' > 5 'mg'", "true")]
    [InlineData("'b' > 'a'", "true")]
    [InlineData("2 in (1 | 2)", "true")]
    [InlineData("(1 | 2) contains 3", "false")]
    // Strings
    [InlineData("Patient.name.family.startsWith('Jan')", "true")]
    [InlineData("Patient.name.family.substring(1, 3)", "ans")]
    [InlineData("Patient.name.family.upper()", "JANSEN")]
    [InlineData("Patient.name.family.lower().length()", "6")]
    [InlineData("Patient.name.family.indexOf('s')", "3")]
    [InlineData("Patient.name.family.replace('sen', 'ssen')", "Janssen")]
    [InlineData("Patient.name.family.matches('^J[a-z]+$')", "true")]
    [InlineData("Patient.name.given.join(', ')", "Jörg, Piet, JJ")]
    [InlineData("Patient.name.family.contains('nse')", "true")]
    [InlineData("Patient.gender.toString()", "male")]
    [InlineData("iif(Patient.active, 'yes', 'no')", "yes")]
    [InlineData("'12'.toInteger() + 1", "13")]
    // Types
    [InlineData("Patient.name.first() is HumanName", "true")]
    [InlineData("Patient.name.first() is FHIR.HumanName", "true")]
    [InlineData("Patient.birthDate is date", "true")]
    [InlineData("Patient is DomainResource", "true")]
    [InlineData("1 is System.Integer", "true")]
    [InlineData("'a' is String", "true")]
    [InlineData("Patient.contained.ofType(Organization).name", "Huisartsen De Linde")]
    [InlineData("Patient.name.first().type().name", "HumanName")]
    [InlineData("Patient.gender.type().namespace + '.' + Patient.gender.type().name", "FHIR.code")]
    [InlineData("(1 + 1).type().name", "Integer")]
    [InlineData("Patient.contained.first().as(Organization).name", "Huisartsen De Linde")]
    // Extensions and the primitive's _element
    [InlineData("Patient.extension('http://example.org/level').value", "3")]
    [InlineData("Patient.extension.first() is Extension", "true")]
    [InlineData("Patient.birthDate.extension('http://hl7.org/fhir/StructureDefinition/patient-birthTime').value", "1974-12-25T14:35:45-05:00")]
    [InlineData("Patient.birthDate.hasValue()", "true")]
    // resolve()
    [InlineData("Patient.managingOrganization.resolve().name", "Huisartsen De Linde")]
    [InlineData("Patient.generalPractitioner.resolve()", "ref:Practitioner/gp1 | ref:Organization/o2")]
    [InlineData("Patient.generalPractitioner.where(resolve() is Practitioner).reference", "Practitioner/gp1")]
    [InlineData("Patient.generalPractitioner.where(resolve() is Organization).count()", "1")]
    [InlineData("Patient.managingOrganization.memberOf('http://example.org/vs')", "")]
    // Environment variables
    [InlineData("%resource.id", "p1")]
    [InlineData("%context.id", "p1")]
    [InlineData("%rootResource.id", "p1")]
    [InlineData("%ucum", "http://unitsofmeasure.org")]
    [InlineData("Patient.name.given.where($this.length() = 2)", "JJ")]
    // Tree navigation
    [InlineData("Patient.name.first().children().count()", "5")]
    [InlineData("Patient.descendants().where($this is ContactPoint).count()", "2")]
    [InlineData("Patient.contained.children().ofType(string)", "org1 | Huisartsen De Linde")] // R4 types Resource.id as string (fhir-type extension)
    public void Patient_Expressions(string expression, string expected) => Assert.Equal(expected, Eval(Patient, expression));

    [Theory]
    [InlineData("Observation.value", "Quantity")]
    [InlineData("Observation.value.ofType(Quantity).value", "72.50")]
    [InlineData("(Observation.value as Quantity).unit", "kg")]
    [InlineData("Observation.value.as(FHIR.Quantity).code", "kg")]
    [InlineData("Observation.value is Quantity", "true")]
    [InlineData("Observation.value.ofType(string)", "")]
    [InlineData("Observation.component.value.ofType(string)", "x")]
    [InlineData("Observation.component.value.ofType(Quantity).value", "1.0")]
    [InlineData("Observation.value > 70 'kg'", "true")]
    [InlineData("Observation.effective.ofType(dateTime)", "2026-03-01T10:00:00+01:00")]
    [InlineData("Observation.effective > @2026-03-01T08:59:59Z", "true")]
    [InlineData("Observation.code.coding.where(system = %loinc).code", "29463-7")]
    [InlineData("Observation.subject.where(resolve() is Patient).reference", "Patient/p1")]
    [InlineData("Observation.value.trace('v').unit", "kg")]
    [InlineData("Observation.component.count()", "2")]
    public void Observation_Expressions(string expression, string expected) => Assert.Equal(expected, Eval(Observation, expression));

    [Theory]
    [InlineData("Patient.name.", 13)]
    [InlineData("Patient..name", 8)]
    [InlineData("Patient.name.where(given = 'a'", 30)]
    [InlineData("1 + ", 4)]
    [InlineData("Patient.name.unknownFunction()", 13)]
    [InlineData("'unterminated", 0)]
    [InlineData("Patient.name.where()", 13)]
    [InlineData("@2020-13-01", 0)]
    [InlineData("Patient # name", 8)]
    public void SyntaxErrors_ReportPosition(string expression, int position)
    {
        var e = Assert.Throws<FhirPathException>(() => FhirPathCompiler.Compile(expression));
        Assert.Equal(position, e.Position);
        Assert.Contains("position " + position, e.Message);
    }

    [Fact]
    public void As_OnSeveralItems_IsAnError_UnlessLenient()
    {
        using var doc = JsonDocument.Parse(Observation);
        var expr = FhirPathCompiler.Compile("Observation.component.value as Quantity");
        var e = Assert.Throws<FhirPathException>(() => expr.Evaluate(doc.RootElement));
        Assert.Equal(28, e.Position);
        var lenient = expr.Evaluate(doc.RootElement, new FhirPathContext { LenientAs = true });
        Assert.Equal("Quantity", Assert.Single(lenient).TypeName);
    }

    [Fact]
    public void DeeplyNestedExpression_IsRefused_NotAStackOverflow()
    {
        var e = Assert.Throws<FhirPathException>(() => FhirPathCompiler.Compile(new string('(', 5000) + "1" + new string(')', 5000)));
        Assert.Contains("nested deeper", e.Message);
        Assert.Throws<FhirPathException>(() => FhirPathCompiler.Compile(new string('-', 5000) + "1"));
    }

    [Fact]
    public void Evaluate_OnADataTypeValue()
    {
        using var doc = JsonDocument.Parse("""{ "family": "Jansen", "given": ["Piet"] }""");
        var result = FhirPathCompiler.Compile("given.first() + ' ' + family").Evaluate(doc.RootElement, "HumanName");
        Assert.Equal("Piet Jansen", result.Single().ToString());
        Assert.Equal("true", FhirPathCompiler.Compile("$this is HumanName").Evaluate(doc.RootElement, "HumanName").Single().ToString());
    }

    [Fact]
    public void Compile_IsCached()
    {
        Assert.Same(FhirPathCompiler.Compile("Patient.name.given"), FhirPathCompiler.Compile("Patient.name.given"));
    }

    [Fact]
    public void Evaluate_IsThreadSafe()
    {
        var expr = FhirPathCompiler.Compile("Patient.name.where(use = 'official').given.join(' ')");
        using var doc = JsonDocument.Parse(Patient);
        var results = new string[64];
        Parallel.For(0, results.Length, i => results[i] = expr.Evaluate(doc.RootElement).Single().ToString());
        Assert.All(results, r => Assert.Equal("Jörg Piet", r));
    }

    [Fact]
    public void Nodes_KeepFhirTypeAndDecimalPrecision()
    {
        using var doc = JsonDocument.Parse(Observation);
        var value = Assert.IsType<FhirPathNode>(FhirPathCompiler.Compile("Observation.value.value").Evaluate(doc.RootElement).Single());
        Assert.Equal("decimal", value.FhirType);
        Assert.Equal("72.50", value.Element.GetRawText());
        var code = Assert.IsType<FhirPathNode>(FhirPathCompiler.Compile("Observation.status").Evaluate(doc.RootElement).Single());
        Assert.Equal("code", code.FhirType);
        var quantity = Assert.IsType<FhirPathDecimal>(FhirPathCompiler.Compile("Observation.value.value + 0.00").Evaluate(doc.RootElement).Single());
        Assert.Equal("72.50", quantity.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Variables_AndTrace_ComeFromTheContext()
    {
        using var doc = JsonDocument.Parse(Patient);
        var traced = new List<string>();
        var context = new FhirPathContext
        {
            Variables = new Dictionary<string, IReadOnlyList<FhirPathValue>> { ["who"] = [new FhirPathString("Jansen")] },
            Trace = (name, values) => traced.Add(name + ":" + values.Count),
        };
        var result = FhirPathCompiler.Compile("Patient.name.trace('names').where(family = %who).count()").Evaluate(doc.RootElement, context);
        Assert.Equal("1", result.Single().ToString());
        Assert.Equal(["names:2"], traced);
    }

    [Fact]
    public void UnknownVariable_IsAnError()
    {
        using var doc = JsonDocument.Parse(Patient);
        var e = Assert.Throws<FhirPathException>(() => FhirPathCompiler.Compile("%nope").Evaluate(doc.RootElement));
        Assert.Equal(0, e.Position);
    }
}
