namespace HotlineGrains.Testing;

/// <summary>The intake form as tests and benchmarks post it: a complaint with every field filled, valid for the seed projects.</summary>
public static class SampleIntake
{
    public const string Content = "地下车库B区照明灯坏了三盏,晚上很暗。";

    /// <param name="receivingAgent">The agent recording it; the ticket is theirs.</param>
    /// <param name="change">Edits the form before it is sent.</param>
    public static Dictionary<string, object?> Complaint(string receivingAgent = "agent-1001", string content = Content, Action<Dictionary<string, object?>>? change = null)
    {
        var intake = new Dictionary<string, object?>
        {
            ["kind"] = "Complaint",
            ["channel"] = "Phone",
            ["customerName"] = "王建国",
            ["honorific"] = "先生",
            ["unitNumber"] = "3-2-1201",
            ["contactPhone"] = "13812345678",
            ["content"] = content,
            ["category"] = "维修",
            ["receivingAgent"] = receivingAgent,
            ["severity"] = "General",
        };
        change?.Invoke(intake);
        return intake;
    }
}
