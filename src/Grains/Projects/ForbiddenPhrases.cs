namespace HotlineGrains.Grains.Projects;

/// <summary>
/// Finds the project's forbidden phrases (忌语) in a reply. Spacing and punctuation are ignored on
/// both sides, so "你问我，我问谁！" matches "你问我,我问谁" whichever comma the agent typed.
/// </summary>
public static class ForbiddenPhrases
{
    public static IReadOnlyList<string> FindIn(string text, IReadOnlyList<string> phrases)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(phrases);
        var reply = Normalize(text);
        return phrases.Where(p => Normalize(p) is { Length: > 0 } phrase && reply.Contains(phrase, StringComparison.Ordinal)).ToList();
    }

    private static string Normalize(string text) =>
        string.Concat(text.Where(c => !char.IsWhiteSpace(c) && !char.IsPunctuation(c) && !char.IsSymbol(c))).ToLowerInvariant();
}
