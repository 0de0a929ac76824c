using System.Text;

namespace HotlineGrains.Grains.Projects;

/// <summary>
/// Finds the project's forbidden phrases (忌语) in a reply. Spacing and punctuation are ignored on
/// both sides, and full-width forms count as their half-width ones, so "你问我，我问谁！" matches
/// "你问我,我问谁" whichever comma the agent typed. 旳 counts as 的: the regulations reached the
/// project through OCR that read 的 as 旳 throughout, and phrase lists pasted from them carry it.
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

    private static string Normalize(string text)
    {
        var folded = text.Normalize(NormalizationForm.FormKC);
        var kept = new StringBuilder(folded.Length);
        foreach (var c in folded)
        {
            if (!char.IsWhiteSpace(c) && !char.IsPunctuation(c) && !char.IsSymbol(c))
            {
                kept.Append(c == '旳' ? '的' : char.ToLowerInvariant(c));
            }
        }

        return kept.ToString();
    }
}
