using HotlineGrains.Grains.Calendars;

namespace HotlineGrains.Grains.ServiceLevels;

/// <summary>When the hotline owes the customer a call (SPEC §4.1 last point, §4.3).</summary>
/// <remarks>
/// Scheduled calls (the 回访 after notification, the interim callback of a promise) are moved out
/// of the policy's quiet hours, to the end of the quiet period. A promised answer time is a
/// deadline, not a scheduled call, so it is not moved: the agent calls before it.
/// </remarks>
public static class CallbackSchedule
{
    /// <summary>
    /// The 回访 after the customer was notified of the result: <paramref name="notifiedAt"/> plus
    /// <see cref="SlaPolicy.CallbackAfterNotice"/> (1 working day) on the calendar, then out of quiet hours.
    /// </summary>
    public static DateTimeOffset AfterNotice(ServiceCalendar calendar, SlaPolicy policy, DateTimeOffset notifiedAt)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        ArgumentNullException.ThrowIfNull(policy);
        var due = calendar.AddWorkingTime(notifiedAt, policy.CallbackAfterNotice.ToWorkingTime(calendar));
        return OutOfQuietHours(calendar, policy, due);
    }

    /// <summary>
    /// The callback promised for an answer not given on the spot (seed 000 §七 4.3): the answer is
    /// due within 2 working hours for a simple question, 16 for a difficult one; if there is still no
    /// result, an interim call to explain is due 16 working hours after the promise.
    /// </summary>
    public static CallbackPromise Promise(ServiceCalendar calendar, SlaPolicy policy, DateTimeOffset promisedAt, bool difficult)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        ArgumentNullException.ThrowIfNull(policy);
        var rule = policy.CallbackPromise;
        var answerDue = calendar.AddWorkingTime(promisedAt, (difficult ? rule.Difficult : rule.Simple).ToWorkingTime(calendar));
        var interim = calendar.AddWorkingTime(promisedAt, rule.InterimCallback.ToWorkingTime(calendar));
        return new(answerDue, OutOfQuietHours(calendar, policy, interim));
    }

    /// <summary>The first instant at or after <paramref name="due"/> outside the policy's quiet hours (UTC).</summary>
    public static DateTimeOffset OutOfQuietHours(ServiceCalendar calendar, SlaPolicy policy, DateTimeOffset due)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        ArgumentNullException.ThrowIfNull(policy);
        return policy.QuietHours?.NextAllowedCall(due, calendar) ?? due.ToUniversalTime();
    }

    /// <summary>Whether, after <paramref name="failedAttempts"/> unanswered calls, the customer is Unreachable.</summary>
    public static bool AttemptsExhausted(SlaPolicy policy, int failedAttempts)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return failedAttempts >= policy.MaxCallbackAttempts;
    }
}

/// <summary>What a callback promise commits the hotline to.</summary>
/// <param name="AnswerDue">The promised answer is due by then.</param>
/// <param name="InterimCallbackDue">If there is no result yet then, call the customer to explain.</param>
public sealed record CallbackPromise(DateTimeOffset AnswerDue, DateTimeOffset InterimCallbackDue);
