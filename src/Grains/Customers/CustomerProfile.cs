using System.Text.Json.Serialization;
using HotlineGrains.Grains.Calendars;
using Orleans;

namespace HotlineGrains.Grains.Customers;

/// <summary>Who a customer (客户/业主) is (<c>PUT /api/customers/{id}</c>).</summary>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties)]
public sealed record CustomerProfile
{
    /// <summary>姓: callers often give only this ("免贵姓王"), and it is what agents address them by.</summary>
    public required string Surname { get; init; }

    /// <summary>Full name when the customer gave it, e.g. 王建国.</summary>
    public string? FullName { get; init; }

    public required Honorific Honorific { get; init; }

    /// <summary>单元号, e.g. 3-2-1201.</summary>
    public required string UnitNumber { get; init; }

    /// <summary>Contact numbers, the one to try first first.</summary>
    public required IReadOnlyList<string> Phones { get; init; }

    public required string ProjectId { get; init; }

    public CustomerTier Tier { get; init; } = DefaultTier;

    /// <summary>The tier of a customer nobody has ranked yet.</summary>
    public const CustomerTier DefaultTier = CustomerTier.C;

    /// <summary>What agents call the customer: 王先生, 李女士.</summary>
    [JsonIgnore]
    public string FormOfAddress => Surname + (Honorific == Honorific.Ms ? "女士" : "先生");

    public IReadOnlyList<ValidationProblem> Validate()
    {
        var problems = new List<ValidationProblem>();
        Text(problems, "surname", Surname, 32);
        if (FullName is not null)
        {
            Text(problems, "fullName", FullName, 64);
        }

        if (!Enum.IsDefined(Honorific))
        {
            problems.Add(new("honorific", "Mr (先生) or Ms (女士)."));
        }

        Text(problems, "unitNumber", UnitNumber, 32);
        Text(problems, "projectId", ProjectId, 64);
        if (!Enum.IsDefined(Tier))
        {
            problems.Add(new("tier", "A, B or C."));
        }

        if (Phones is null || Phones.Count == 0)
        {
            problems.Add(new("phones", "At least one phone number."));
        }
        else if (Phones.Count > 10)
        {
            problems.Add(new("phones", "At most 10 phone numbers."));
        }
        else
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < Phones.Count; i++)
            {
                if (!IsPhone(Phones[i]))
                {
                    problems.Add(new($"phones[{i}]", "5 to 20 characters: digits, optionally after a leading +."));
                }
                else if (!seen.Add(Phones[i]))
                {
                    problems.Add(new($"phones[{i}]", $"{Phones[i]} is listed twice."));
                }
            }
        }

        return problems;
    }

    private static bool IsPhone(string? phone) =>
        phone is { Length: >= 5 and <= 20 }
        && (phone[0] == '+' ? phone.AsSpan(1) : phone.AsSpan()) is { Length: > 0 } digits
        && !digits.ContainsAnyExceptInRange('0', '9');

    private static void Text(List<ValidationProblem> problems, string field, string? value, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(value) || value.Length > maxLength)
        {
            problems.Add(new(field, $"1 to {maxLength} characters."));
        }
    }
}
