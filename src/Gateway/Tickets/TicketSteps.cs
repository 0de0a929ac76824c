using HotlineGrains.Grains.Tickets;

namespace HotlineGrains.Gateway.Tickets;

/// <summary>Workflow steps as they appear in URLs: <c>POST /api/tickets/{id}/notify-customer</c>.</summary>
internal static class TicketSteps
{
    private static readonly Dictionary<string, TicketStep> ByName =
        Enum.GetValues<TicketStep>().ToDictionary(Name, step => step, StringComparer.Ordinal);

    public static IReadOnlyCollection<string> Names => ByName.Keys;

    public static string Name(TicketStep step) =>
        string.Concat(step.ToString().Select((c, i) => char.IsUpper(c) && i > 0 ? "-" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));

    public static bool TryParse(string name, out TicketStep step) => ByName.TryGetValue(name, out step);
}
