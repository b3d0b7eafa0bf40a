using System.Diagnostics;
using Fhir.Server.Search;
using Fhir.Server.Search.Indexing;
using Fhir.Server.Store.Sqlite;
using Fhir.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Fhir.Server.Tests.Search;

/// <summary>
/// The typical portal queries are answered from the indexes: their plans search (never scan) the index
/// tables, so they do not grow with the data. The index rows are generated in SQL for speed.
/// </summary>
public class SearchQueryPlanTests(FhirServerFactory factory, ITestOutputHelper output) : IClassFixture<FhirServerFactory>
{
    private const int Patients = 5000;

    private static bool _seeded;
    private static readonly Lock Gate = new();

    private void Seed()
    {
        lock (Gate)
        {
            if (_seeded)
                return;
            long P(string type, string code) => ParamKey.For(type, code);
            var sql = $"""
                WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {Patients})
                INSERT INTO search_resource (rid, type, id, seq, last_updated, alive) SELECT i, 'Patient', 'p' || i, 0, 0, 1 FROM n;
                INSERT INTO ix_token (pid, code, system, rid) SELECT {P("Patient", "identifier")}, 'bsn' || rid, 'http://fhir.nl/fhir/NamingSystem/bsn', rid FROM search_resource;
                INSERT INTO ix_string (pid, value, exact, rid) SELECT {P("Patient", "name")}, 'name' || (rid % 500), 'Name', rid FROM search_resource;
                WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {Patients * 20})
                INSERT INTO search_resource (rid, type, id, seq, last_updated, alive) SELECT 100000 + i, 'Observation', 'o' || i, 0, 0, 1 FROM n;
                INSERT INTO ix_reference (pid, ref_id, ref_type, rid) SELECT {P("Observation", "patient")}, 'p' || (1 + rid % {Patients}), 'Patient', rid FROM search_resource WHERE type = 'Observation';
                INSERT INTO ix_reference (pid, ref_id, ref_type, rid) SELECT {P("Observation", "subject")}, 'p' || (1 + rid % {Patients}), 'Patient', rid FROM search_resource WHERE type = 'Observation';
                INSERT INTO ix_token (pid, code, system, rid) SELECT {P("Observation", "category")}, CASE rid % 3 WHEN 0 THEN 'vital-signs' ELSE 'laboratory' END, 'http://terminology.hl7.org/CodeSystem/observation-category', rid FROM search_resource WHERE type = 'Observation';
                INSERT INTO ix_date (pid, low, high, rid) SELECT {P("Observation", "date")}, rid * 1000, rid * 1000, rid FROM search_resource WHERE type = 'Observation';
                WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {Patients * 3})
                INSERT INTO search_resource (rid, type, id, seq, last_updated, alive) SELECT 1000000 + i, 'Appointment', 'a' || i, 0, 0, 1 FROM n;
                INSERT INTO ix_reference (pid, ref_id, ref_type, rid) SELECT {P("Appointment", "actor")}, 'pr' || (rid % 10), 'Practitioner', rid FROM search_resource WHERE type = 'Appointment';
                INSERT INTO ix_date (pid, low, high, rid) SELECT {P("Appointment", "date")}, rid * 60000, rid * 60000 + 600000, rid FROM search_resource WHERE type = 'Appointment';
                WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {Patients * 3})
                INSERT INTO search_resource (rid, type, id, seq, last_updated, alive) SELECT 2000000 + i, 'Communication', 'c' || i, 0, 0, 1 FROM n;
                INSERT INTO ix_reference (pid, ref_id, ref_type, rid) SELECT {P("Communication", "recipient")}, 'p' || (1 + rid % {Patients}), 'Patient', rid FROM search_resource WHERE type = 'Communication';
                INSERT INTO ix_token (pid, code, system, rid) SELECT {P("Communication", "status")}, CASE rid % 4 WHEN 0 THEN 'completed' ELSE 'in-progress' END, 'http://hl7.org/fhir/event-status', rid FROM search_resource WHERE type = 'Communication';
                INSERT INTO ix_date (pid, low, high, rid) SELECT {P("Communication", "sent")}, rid * 1000, rid * 1000, rid FROM search_resource WHERE type = 'Communication' AND rid % 5 <> 0;
                """;
            factory.SeedIndexRows(sql);
            _seeded = true;
        }
    }

    /// <summary>
    /// Both single-parameter sets reach the probe cap (one practitioner's 1,500 appointments, one day's 1,440); the
    /// practitioner's rows of that day in ix_reference_date are 144, and stay that size as practices and their history grow.
    /// </summary>
    [Fact]
    public void AppointmentsOfAPractitionerOnADay_AreFoundThroughThePractitionersDay()
    {
        Seed();
        var search = factory.Services.GetRequiredService<FhirSearch>();
        var plan = search.Explain("Appointment", "actor=Practitioner/pr3&date=ge1971-12-01&date=lt1971-12-02");
        output.WriteLine(string.Join("\n", plan));
        var driver = plan.SkipWhile(line => !line.StartsWith("LIST SUBQUERY", StringComparison.Ordinal)).Skip(1).First(line => line.StartsWith("SEARCH", StringComparison.Ordinal));
        Assert.Contains("USING PRIMARY KEY (pid=? AND ref_id=? AND ref_type=? AND low>? AND low<?)", driver);
    }

    /// <summary>
    /// The set of `date=ge..` alone is found by scanning the date index from the oldest value until one ends after the
    /// bound: most of the history, counted again by every probe (1,049,809 SQLite VM steps to find 101 rows on the
    /// 100,000-patient bench database). With both bounds given only the practitioner's day, the day's range and the
    /// practitioner may drive.
    /// </summary>
    [Fact]
    public void AppointmentsOfAPractitionerOnADay_OnlyThePractitionersDayTheDayAndThePractitionerAreDriverCandidates()
    {
        var request = Fhir.Server.Search.Parsing.SearchRequest.Parse(
            Fhir.Server.Search.Parsing.SearchRequest.ParseQuery("actor=Practitioner/pr3&date=ge1971-12-01&date=lt1971-12-02"), strict: true, 50, 1000);
        var conditions = new Fhir.Server.Search.Query.ConditionBuilder(factory.Services.GetRequiredService<SearchParameterRegistry>(), null, TimeProvider.System)
            .Build(["Appointment"], request);
        var candidates = conditions.Where(c => c.Priority < 9 && c.Set(new Fhir.Server.Search.Query.SqlParams()) is not null).ToList();
        Assert.Equal(3, candidates.Count);
        Assert.IsType<Fhir.Server.Search.Query.ReferenceDateCondition>(candidates.OrderBy(c => c.Priority).First());
        Assert.Single(candidates.OfType<Fhir.Server.Search.Query.DateRangeCondition>());
        Assert.Contains("ix_reference", candidates.OfType<Fhir.Server.Search.Query.IndexCondition>().Single().Set(new Fhir.Server.Search.Query.SqlParams()));
        Assert.Equal(5, conditions.Count);
    }

    [Theory]
    [InlineData("Patient", "identifier=http://fhir.nl/fhir/NamingSystem/bsn|bsn42")]
    [InlineData("Observation", "patient=p42&category=laboratory&_sort=-date&_count=20")]
    [InlineData("Appointment", "actor=Practitioner/pr3&date=ge1970-01-01T00:20:00Z&date=lt1970-01-01T00:40:00Z")]
    [InlineData("Communication", "recipient=Patient/p42&status=in-progress&_sort=sent")]
    [InlineData("Observation", "patient.identifier=bsn42&_count=20")]
    [InlineData("Observation", "subject:Patient.name=name42&category=laboratory&_count=20")]
    [InlineData("Patient", "_has:Observation:patient:category=vital-signs&identifier=bsn42")]
    [InlineData("Patient", "_id=p42")]
    [InlineData("Communication", "status=in-progress&_sort=sent&_count=20")]
    [InlineData("Observation", "category=laboratory&_sort=-date&_count=20")]
    public void TypicalQuery_SearchesTheIndexes_NeverScans(string type, string query)
    {
        Seed();
        var search = factory.Services.GetRequiredService<FhirSearch>();
        var plan = search.Explain(type, query);
        var watch = Stopwatch.StartNew();
        const int runs = 20;
        for (var i = 0; i < runs; i++)
            search.Search(new SearchInput(type, Fhir.Server.Search.Parsing.SearchRequest.ParseQuery(query), "http://localhost/fhir", "http://localhost/fhir/" + type));
        output.WriteLine($"{type}?{query}: {watch.Elapsed.TotalMilliseconds / runs:0.00} ms per search\n  " + string.Join("\n  ", plan));
        Assert.DoesNotContain(plan, line => line.StartsWith("SCAN ", StringComparison.Ordinal) && !line.StartsWith("SCAN a", StringComparison.Ordinal));
    }
}
