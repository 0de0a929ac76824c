using System.Collections;
using System.Reflection;
using System.Runtime.CompilerServices;

namespace HotlineGrains.Contracts.Tests;

/// <summary>
/// No event can carry a phone number to integrations without saying how to mask it (SPEC §8):
/// an event with a property named <c>…Phone…</c>, directly or in a record it holds, must be
/// <see cref="IHasPhoneNumbers"/>, and its masked copy must mask every such property.
/// </summary>
public sealed class PhoneNumberEventTests
{
    private const string FullNumber = "13812345678";

    private static IEnumerable<Type> ConcreteEventTypes() =>
        typeof(IHotlineEvent).Assembly.GetExportedTypes().Where(t => typeof(IHotlineEvent).IsAssignableFrom(t) && !t.IsInterface && !t.IsAbstract);

    public static TheoryData<Type> EventsWithPhoneNumbers()
    {
        var data = new TheoryData<Type>();
        foreach (var type in ConcreteEventTypes().Where(t => typeof(IHasPhoneNumbers).IsAssignableFrom(t)))
        {
            data.Add(type);
        }

        return data;
    }

    [Fact]
    public void Every_event_with_a_phone_property_implements_the_masking_interface()
    {
        var leaking = ConcreteEventTypes()
            .Where(t => !typeof(IHasPhoneNumbers).IsAssignableFrom(t))
            .SelectMany(t => PhonePaths(t, t.Name, []))
            .ToList();

        Assert.True(leaking.Count == 0, $"Events carry phone numbers without implementing {nameof(IHasPhoneNumbers)}: {string.Join(", ", leaking)}");
    }

    [Fact]
    public void The_phone_property_check_finds_the_contact_phone_of_a_received_ticket()
    {
        Assert.Equal(["TicketReceived.ContactPhone"], PhonePaths(typeof(TicketReceived), nameof(TicketReceived), []));
        Assert.True(typeof(IHasPhoneNumbers).IsAssignableFrom(typeof(TicketReceived)));
    }

    [Fact]
    public void The_phone_property_check_looks_into_records_an_event_holds()
    {
        Assert.Equal(["Holder.Contacts.Mobile.Phone"], PhonePaths(typeof(Holder), nameof(Holder), []));
    }

    [Theory]
    [MemberData(nameof(EventsWithPhoneNumbers))]
    public void The_masked_copy_masks_every_phone_property_and_keeps_the_rest(Type eventType)
    {
        var original = Sample(eventType);

        var masked = ((IHasPhoneNumbers)original).WithMaskedPhoneNumbers();

        Assert.IsType(eventType, masked);
        Assert.NotSame(original, masked);
        Assert.Equal(((IHotlineEvent)original).EventId, masked.EventId);
        foreach (var property in eventType.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetIndexParameters().Length == 0))
        {
            var before = property.GetValue(original);
            var after = property.GetValue(masked);
            if (!IsPhone(property))
            {
                Assert.Equal(before, after);
            }
            else if (before is string)
            {
                Assert.Equal(FullNumber, before);
                Assert.Equal(PhoneMask.Mask(FullNumber), after);
            }
            else
            {
                Assert.Equal([FullNumber], ((IEnumerable)before!).Cast<string>());
                Assert.Equal([PhoneMask.Mask(FullNumber)], ((IEnumerable)after!).Cast<string>());
            }
        }
    }

    private static bool IsPhone(PropertyInfo property) => property.Name.Contains("Phone", StringComparison.OrdinalIgnoreCase);

    /// <summary>Paths of the properties named <c>…Phone…</c> in <paramref name="type"/> and in the contract types it holds.</summary>
    private static List<string> PhonePaths(Type type, string path, HashSet<Type> seen)
    {
        var found = new List<string>();
        if (!seen.Add(type))
        {
            return found;
        }

        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var here = $"{path}.{property.Name}";
            if (IsPhone(property))
            {
                found.Add(here);
            }

            var held = ElementType(property.PropertyType);
            if (held.Assembly == type.Assembly && !held.IsEnum)
            {
                found.AddRange(PhonePaths(held, here, seen));
            }
        }

        seen.Remove(type);
        return found;
    }

    private static Type ElementType(Type type) =>
        type.IsArray ? type.GetElementType()!
        : type.IsGenericType && typeof(IEnumerable).IsAssignableFrom(type) ? type.GetGenericArguments()[^1]
        : type;

    /// <summary>An event with its phone properties set to <see cref="FullNumber"/> and every other text to something of its own.</summary>
    private static object Sample(Type eventType)
    {
        var sample = RuntimeHelpers.GetUninitializedObject(eventType);
        foreach (var property in eventType.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
        {
            if (IsPhone(property))
            {
                property.SetValue(sample, property.PropertyType == typeof(string) ? FullNumber
                    : property.PropertyType.IsAssignableFrom(typeof(string[])) ? new[] { FullNumber }
                    : throw new InvalidOperationException($"{eventType.Name}.{property.Name}: extend this test for a phone property of type {property.PropertyType.Name}."));
            }
            else if (property.PropertyType == typeof(string))
            {
                property.SetValue(sample, "text of " + property.Name);
            }
            else if (property.PropertyType == typeof(Guid))
            {
                property.SetValue(sample, Guid.NewGuid());
            }
        }

        return sample;
    }

    // Shapes for the check itself: a phone number two records down in a list.
    public sealed record Holder(IReadOnlyList<Contact> Contacts);

    public sealed record Contact(Number Mobile);

    public sealed record Number(string Phone);
}
