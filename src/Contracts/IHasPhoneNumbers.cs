namespace HotlineGrains.Contracts;

/// <summary>
/// An event that carries a customer's phone number. Such events leave for integrations with the
/// number masked (SPEC §8) unless the integration is granted full numbers, so each one says how
/// to make its masked copy; the relay calls this just before publishing, after the full event
/// has been stored. Every event with a property named <c>…Phone…</c> must implement it.
/// </summary>
public interface IHasPhoneNumbers : IHotlineEvent
{
    /// <summary>
    /// A copy of this event of the same type and with the same <see cref="IHotlineEvent.EventId"/>,
    /// with every phone number passed through <see cref="PhoneMask.Mask"/>. This event is left unchanged.
    /// </summary>
    IHotlineEvent WithMaskedPhoneNumbers();
}
