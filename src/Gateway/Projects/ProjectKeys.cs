using System.Text.RegularExpressions;

namespace HotlineGrains.Gateway.Projects;

internal static partial class ProjectKeys
{
    public static bool IsValid(string? projectId) => projectId is not null && Slug().IsMatch(projectId);

    [GeneratedRegex("^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")]
    private static partial Regex Slug();
}
