using Orleans;
using Orleans.Concurrency;

namespace HotlineGrains.Grains.Customers;

/// <summary>A customer (客户/业主), keyed by their id.</summary>
public interface ICustomerGrain : IGrainWithStringKey
{
    /// <summary>Records the customer, or replaces what is known of them; the relationship callbacks follow the tier.</summary>
    Task<CustomerView> Upsert(CustomerProfile profile);

    /// <summary>The customer; null if never recorded.</summary>
    [AlwaysInterleave]
    Task<CustomerView?> GetView();
}
