using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace HotlineGrains.Contracts;

/// <summary>
/// Hides most of a phone number (SPEC §8: numbers in events sent to integrations are masked
/// unless the integration is granted full numbers). Public so that an integrator, and the
/// relay, mask the same way.
/// </summary>
/// <remarks>
/// <para>
/// Only the digits count; spaces, dashes, dots, brackets and other separators are dropped, so
/// the result is digits and <c>*</c> only: <c>0471-888 1234</c> → <c>047****1234</c>. A
/// <c>*</c> already in the input counts as a hidden digit, so masking twice changes nothing.
/// </para>
/// <list type="bullet">
/// <item>11 digits or more (a mobile, a landline with its area code): the first 3 and the last
/// 4 stay: <c>13812345678</c> → <c>138****5678</c>, <c>057188812345</c> → <c>057*****2345</c>.</item>
/// <item>8 to 10 digits (a local landline, a 400 number): only the last 4 stay:
/// <c>88812345</c> → <c>****2345</c>.</item>
/// <item>7 digits or fewer: only the last 2 stay, and at least one digit is always hidden:
/// <c>8881234</c> → <c>*****34</c>, <c>110</c> → <c>*10</c>, <c>7</c> → <c>*</c>.</item>
/// <item>China's country code, written <c>+86</c> or <c>0086</c>, stays as <c>+86 </c> and the
/// national number is masked by the rules above: <c>+86 138-1234-5678</c> → <c>+86 138****5678</c>.
/// Another leading <c>+</c> stays and the rest is masked as one number:
/// <c>+1 415 555 2671</c> → <c>+141****2671</c>.</item>
/// <item><see langword="null"/> stays <see langword="null"/>, an empty or blank text becomes
/// empty, and text without any digit becomes <c>*</c> (there is nothing to show, but free
/// text must not pass through a phone field).</item>
/// </list>
/// </remarks>
public static class PhoneMask
{
    /// <summary>The character that stands for a hidden digit.</summary>
    public const char Hidden = '*';

    private const string ChinaPrefix = "+86 ";

    /// <summary>Masks one phone number; see <see cref="PhoneMask"/> for the rule.</summary>
    [return: NotNullIfNotNull(nameof(phone))]
    public static string? Mask(string? phone)
    {
        if (phone is null)
        {
            return null;
        }

        if (string.IsNullOrWhiteSpace(phone))
        {
            return string.Empty;
        }

        var trimmed = phone.TrimStart();
        var international = trimmed[0] == '+';

        // Digits (any script, as ASCII) and stars already hidden: the positions of the number.
        var positions = new StringBuilder(trimmed.Length);
        foreach (var c in trimmed)
        {
            if (char.IsDigit(c))
            {
                positions.Append((char)('0' + (int)char.GetNumericValue(c)));
            }
            else if (c == Hidden)
            {
                positions.Append(Hidden);
            }
        }

        if (positions.Length == 0)
        {
            return Hidden.ToString();
        }

        var number = positions.ToString();
        if (international && number.StartsWith("86", StringComparison.Ordinal) && number.Length > 2)
        {
            return ChinaPrefix + MaskDigits(number[2..]);
        }

        if (!international && number.StartsWith("0086", StringComparison.Ordinal) && number.Length > 4)
        {
            return ChinaPrefix + MaskDigits(number[4..]);
        }

        return (international ? "+" : string.Empty) + MaskDigits(number);
    }

    private static string MaskDigits(string number)
    {
        var (head, tail) = number.Length switch
        {
            >= 11 => (3, 4),
            >= 8 => (0, 4),
            >= 3 => (0, 2),
            _ => (0, number.Length - 1),
        };

        return string.Concat(number.AsSpan(0, head), new string(Hidden, number.Length - head - tail), number.AsSpan(number.Length - tail));
    }
}
