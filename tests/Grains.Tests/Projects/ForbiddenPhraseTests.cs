using HotlineGrains.Grains.Projects;

namespace HotlineGrains.Grains.Tests.Projects;

/// <summary>The default 忌语 list against the sentences of seed 000 §七(二), as agents would type them.</summary>
public sealed class ForbiddenPhraseTests
{
    private static readonly IReadOnlyList<string> Defaults = new ProjectSettings { Name = "p", Greeting = "g", TicketPrefix = "P" }.ForbiddenPhrases;

    // Every 忌语 sentence of the regulations, with the OCR slips of the seed text corrected.
    public static TheoryData<string> SeedSentences =>
    [
        "喂!嘿!",
        "你的电话怎么回事?一会儿大、一会儿小的!",
        "我不是跟你说的很清楚了吗!谁告诉你的!",
        "不行就算不行!你问我,我问谁!",
        "我就这个态度,没法查,没办法!",
        "用不起就别用!有什么了不起,你究竟想怎么样!",
        "你小声一点行不行,叫你旁边的人别说话!",
        "大声点、我听不清!喂、说吧!",
        "什么?听不清楚,重讲!",
        "我不清楚,你找什么什么地方问去,投诉、尽管去投诉他们好了!",
        "这不关我的事,这个没办法!",
        "这个不是我处理的,你去找处理的那个人吧!",
    ];

    [Theory]
    [MemberData(nameof(SeedSentences))]
    public void Every_forbidden_sentence_of_the_regulations_is_flagged_by_the_default_list(string sentence) =>
        Assert.NotEmpty(ForbiddenPhrases.FindIn(sentence, Defaults));

    [Theory]
    [MemberData(nameof(SeedSentences))]
    public void A_forbidden_sentence_is_flagged_with_full_width_punctuation_too(string sentence) =>
        Assert.NotEmpty(ForbiddenPhrases.FindIn(ToFullWidth(sentence), Defaults));

    [Theory]
    [InlineData("这个不是我处理旳，你去找处理旳那个人吧！")]
    [InlineData("你旳电话怎么回事？")]
    [InlineData("谁告诉你旳")]
    public void A_forbidden_sentence_is_flagged_when_的_is_typed_as_the_seed_texts_OCR_slip_旳(string sentence) =>
        Assert.NotEmpty(ForbiddenPhrases.FindIn(sentence, Defaults));

    [Fact]
    public void A_phrase_configured_with_the_OCR_slip_still_matches_a_reply_typed_correctly() =>
        Assert.Equal(["这个不是我处理旳"], ForbiddenPhrases.FindIn("这个不是我处理的,请找工程部。", ["这个不是我处理旳"]));

    [Fact]
    public void Full_width_letters_and_digits_match_their_half_width_forms() =>
        Assert.Equal(["VIP不接"], ForbiddenPhrases.FindIn("ＶＩＰ 不接", ["VIP不接"]));

    [Fact]
    public void The_standard_phrases_and_greeting_of_the_regulations_are_not_flagged()
    {
        var settings = new ProjectSettings { Name = "p", Greeting = "您好,这里是维邦物业维邦广场项目客服中心,为您服务。", TicketPrefix = "P" };
        string[] courteous =
        [
            settings.Greeting, settings.Phrases.Hold, settings.Phrases.Transfer, settings.Phrases.CannotAnswerNow, settings.Phrases.Closing,
            "您好,对不起,您的声音太小,我无法听清您发言,请您能大声一点吗?",
            "很抱歉,这超过我们的服务范围,恐怕我不能协助您。",
            "对不起,让您久等了,我已经将您的问题提交到工程部并在跟进,请您再耐心等待,谢谢!",
        ];

        Assert.All(courteous, text => Assert.Empty(ForbiddenPhrases.FindIn(text, settings.ForbiddenPhrases)));
    }

    private static string ToFullWidth(string text) =>
        string.Concat(text.Select(c => c is >= '!' and <= '~' ? (char)(c + 0xFEE0) : c));
}
