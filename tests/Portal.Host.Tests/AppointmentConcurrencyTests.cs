using System.Net;
using System.Text;
using System.Text.Json;

namespace Portal.Host.Tests;

/// <summary>
/// Double booking across processes: two real Portal.Host processes on one SQLite database, many
/// simultaneous FHIR Appointment creates for the same slots through both. The slot claim runs in the
/// write transaction (SQLite's database-wide write lock), so exactly one booking per slot wins.
/// </summary>
public class AppointmentConcurrencyTests
{
    [Fact]
    public async Task SameSlots_BookedThroughTwoHostProcesses_ExactlyOneBookingPerSlot()
    {
        using var dir = new TempDirectory();
        HostProcess.RegisterTestClient(dir.Path);
        using var first = HostProcess.Start(dir.Path, "--Demo:SlotDays=5", "--Jobs:InstanceId=a");
        Assert.True(await first.WaitUntilReadyAsync(TimeSpan.FromSeconds(120)), first.StandardOutput + first.StandardError);
        using var second = HostProcess.Start(dir.Path, "--Demo:SlotDays=5", "--Jobs:InstanceId=b");
        Assert.True(await second.WaitUntilReadyAsync(TimeSpan.FromSeconds(120)), second.StandardOutput + second.StandardError);
        using var a = await first.CreateAuthorizedClientAsync();
        using var b = await second.CreateAuthorizedClientAsync();

        using var search = JsonDocument.Parse(await a.GetStringAsync("/fhir/Slot?schedule=Schedule/agenda-huisarts-jansen&status=free&_count=8"));
        var slots = search.RootElement.GetProperty("entry").EnumerateArray().Select(e => e.GetProperty("resource")).ToList();
        Assert.Equal(8, slots.Count);

        var attempts = new List<Task<(string Slot, HttpStatusCode Status)>>();
        using var gate = new ManualResetEventSlim(false);
        foreach (var slot in slots)
        {
            for (var i = 0; i < 6; i++)
            {
                var client = i % 2 == 0 ? a : b;
                var patient = i % 3 == 0 ? "patient-willem-bos" : i % 3 == 1 ? "patient-pieter-van-den-berg" : "patient-fatima-el-amrani";
                var body = $$"""
                    {"resourceType":"Appointment","status":"booked",
                     "start":"{{slot.GetProperty("start").GetString()}}","end":"{{slot.GetProperty("end").GetString()}}",
                     "slot":[{"reference":"Slot/{{slot.GetProperty("id").GetString()}}"}],
                     "participant":[{"actor":{"reference":"Patient/{{patient}}"},"status":"accepted"},
                                    {"actor":{"reference":"Practitioner/huisarts-jansen"},"status":"accepted"}]}
                    """;
                var id = slot.GetProperty("id").GetString()!;
                attempts.Add(Task.Run(async () =>
                {
                    gate.Wait();
                    using var response = await client.PostAsync("/fhir/Appointment", new StringContent(body, Encoding.UTF8, "application/fhir+json"));
                    return (id, response.StatusCode);
                }));
            }
        }
        gate.Set();
        var results = await Task.WhenAll(attempts);
        foreach (var group in results.GroupBy(r => r.Slot))
        {
            Assert.Equal(1, group.Count(r => r.Status == HttpStatusCode.Created));
            Assert.All(group.Where(r => r.Status != HttpStatusCode.Created), r => Assert.Equal(HttpStatusCode.Conflict, r.Status));
        }

        foreach (var slot in slots)
        {
            var id = slot.GetProperty("id").GetString();
            using var booked = JsonDocument.Parse(await b.GetStringAsync($"/fhir/Appointment?slot=Slot/{id}&_count=50"));
            Assert.Single(booked.RootElement.GetProperty("entry").EnumerateArray());
            using var current = JsonDocument.Parse(await a.GetStringAsync($"/fhir/Slot/{id}"));
            Assert.Equal("busy", current.RootElement.GetProperty("status").GetString());
        }
    }
}
