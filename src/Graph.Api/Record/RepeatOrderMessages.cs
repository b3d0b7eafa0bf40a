using System.Globalization;
using Fhir.Server.Search;
using Graph.Api.Calendar;
using Graph.Api.Messaging;
using NodaTime;
using Quartz;
using static Graph.Api.Record.KnownRecord;

namespace Graph.Api.Record;

/// <summary>
/// The patient's Systeembericht when a repeat order has been handled, once per order and outcome,
/// whoever handled it: the portal posts it at once, and this watch finds orders a HIS approved or
/// rejected over FHIR REST (or whose message a crash lost) among those changed in the last
/// <see cref="LookBack"/>. The message names the day of ordering, the ready date and the practice's
/// reason; no medicine, and it never triggers an e-mail (system messages do not).
/// It reads as the server itself, so it writes no access-log entries.
/// </summary>
public sealed class RepeatOrderMessages(IFhirSearch search, SystemMessages messages, TimeProvider time)
{
    public const string Topic = "Herhaalrecept";
    public static readonly TimeSpan LookBack = TimeSpan.FromDays(3);

    private static readonly CultureInfo Dutch = CultureInfo.GetCultureInfo("nl-NL");

    public static string EventKey(RepeatOrder order) => $"repeat-order-{(order.Status == "REJECTED" ? "rejected" : "approved")}:{order.Id}";

    public static string Text(RepeatOrder order)
    {
        var ordered = DutchCalendar.ToLocal(order.OrderedAt).Date.ToString("d MMMM yyyy", Dutch);
        if (order.Status == "REJECTED")
            return $"Uw bestelling van herhaalmedicatie van {ordered} is niet goedgekeurd. Reden: {order.RejectReason ?? "niet opgegeven."} "
                   + "Neem contact op met de praktijk als u vragen heeft.";
        var text = $"Uw bestelling van herhaalmedicatie van {ordered} is goedgekeurd. U kunt de medicijnen vanaf "
                   + $"{order.ReadyDate.ToString("dddd d MMMM", Dutch)} ophalen bij uw apotheek.";
        return order.RejectReason is { } reason ? $"{text} Niet alles wat u bestelde is goedgekeurd. Reden: {reason}" : text;
    }

    /// <summary>Leaves the message for a handled order (nothing for an open one); the same order and outcome never gives two.</summary>
    public async Task PostAsync(RepeatOrder order, CancellationToken ct = default)
    {
        if (order.Status != "OPEN")
            await messages.PostAsync(order.PatientId, Topic, Text(order), EventKey(order), ct);
    }

    /// <summary>Posts the message of every order handled in the last <see cref="LookBack"/>; returns how many orders were handled.</summary>
    public async Task<int> RunAsync(CancellationToken ct = default)
    {
        var since = time.GetUtcNow() - LookBack;
        var changed = await search.MatchesAsync("MedicationRequest",
            $"{RepeatOrderQuery}&status=active,completed,cancelled,stopped&_lastUpdated=ge{Uri.EscapeDataString(since.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture))}&_count=1000", ct);
        if (changed.Count == 0)
            return 0;
        // Whole orders: a medicine of the order that was not changed recently may still be open.
        var patients = changed.Select(m => Ref(m, "subject")).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        var all = await search.MatchesAsync("MedicationRequest",
            $"{RepeatOrderQuery}&patient={string.Join(',', patients.Select(Uri.EscapeDataString))}&_count=1000", ct);
        var orderIds = RecordService.SplitMedication(changed).Orders.Select(o => o.Id).ToHashSet(StringComparer.Ordinal);
        var handled = RecordService.SplitMedication(all).Orders.Where(o => orderIds.Contains(o.Id) && o.Status != "OPEN").ToList();
        foreach (var order in handled)
            await PostAsync(order, ct);
        return handled.Count;
    }
}

/// <summary>Runs <see cref="RepeatOrderMessages"/> on the jobs instances every minute.</summary>
[DisallowConcurrentExecution]
public sealed class RepeatOrderMessagesJob(RepeatOrderMessages watch) : IJob
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        await watch.RunAsync(cancellationToken);
    }
}
