using System.ComponentModel.DataAnnotations;

namespace HotlineGrains.Gateway.Floor;

/// <summary>The live floor on this node (section <c>Floor</c>).</summary>
public sealed class FloorOptions
{
    public const string Section = "Floor";

    /// <summary>
    /// Every watched board is read again this often even without events, so a node that lost the
    /// bus for a while shows the truth again by itself.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(15);
}
