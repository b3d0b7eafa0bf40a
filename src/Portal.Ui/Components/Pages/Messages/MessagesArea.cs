using Microsoft.Extensions.DependencyInjection;
using Portal.Ui.Navigation;

namespace Portal.Ui.Components.Pages.Messages;

/// <summary>Mijn berichten (patients): the four folders, a new question, a conversation.</summary>
public static class MessagesArea
{
    public const string Folders = "/berichten";
    public const string New = "/berichten/nieuw";

    public static string Conversation(string threadId) => $"/berichten/gesprek/{Uri.EscapeDataString(threadId)}";

    public static IServiceCollection AddMessagesArea(this IServiceCollection services) =>
        services.AddNavItem(new NavItem(Folders, "Berichten", 10, PortalUsers.IsPatient));
}
