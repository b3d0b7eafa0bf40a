using Microsoft.Extensions.DependencyInjection;
using Portal.Ui.Navigation;

namespace Portal.Ui.Components.Pages.Practice;

/// <summary>The practice's side of e-consults: inbox with worklists, a conversation, a message to a patient, weekly counts, the standard texts, notifications that could not be delivered.</summary>
public static class PracticeArea
{
    public const string Inbox = "/praktijk/berichten";
    public const string WeeklyCounts = "/praktijk/weekoverzicht";
    public const string StartMessage = "/praktijk/bericht-aan-patient";
    public const string FailedNotifications = "/praktijk/niet-afgeleverd";
    public const string ReplyTemplates = "/praktijk/standaardteksten";

    public static string Conversation(string threadId) => $"/praktijk/berichten/{Uri.EscapeDataString(threadId)}";

    public static IServiceCollection AddPracticeArea(this IServiceCollection services) => services
        .AddNavItem(new NavItem(Inbox, "E-consulten", 10, PortalUsers.IsCareStaff))
        .AddNavItem(new NavItem(WeeklyCounts, "Weekoverzicht", 20, PortalUsers.IsCareStaff))
        .AddNavItem(new NavItem(ReplyTemplates, "Standaardteksten", 25, PortalUsers.IsStaff))
        .AddNavItem(new NavItem(FailedNotifications, "Niet afgeleverd", 30, PortalUsers.IsStaff));
}
