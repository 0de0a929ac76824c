using System.Text.Json.Serialization;

namespace HotlineGrains.Grains.Customers;

/// <summary>客户等级 (seed 003, SPEC §6): decides which relationship callbacks the customer gets.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<CustomerTier>))]
public enum CustomerTier
{
    A,
    B,
    C,
}

/// <summary>How agents address the customer: surname + 先生 or 女士 (seed 000 §七: ask "您贵姓", then "X先生/女士").</summary>
[JsonConverter(typeof(JsonStringEnumConverter<Honorific>))]
public enum Honorific
{
    /// <summary>先生.</summary>
    Mr,

    /// <summary>女士.</summary>
    Ms,
}

/// <summary>Who owes the customer a relationship callback (回访, seed 003).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<CallerRole>))]
public enum CallerRole
{
    /// <summary>客户经理: twice a month, every tier.</summary>
    AccountManager,

    /// <summary>部门经理: monthly, every tier.</summary>
    DepartmentManager,

    /// <summary>分管领导: quarterly, tiers A and B.</summary>
    DivisionHead,

    /// <summary>总裁: yearly, tier A.</summary>
    President,
}
