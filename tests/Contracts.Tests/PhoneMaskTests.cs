namespace HotlineGrains.Contracts.Tests;

/// <summary>How phone numbers are masked in events sent to integrations (SPEC §8).</summary>
public sealed class PhoneMaskTests
{
    [Theory]
    [InlineData("13812345678", "138****5678")]
    [InlineData("13800138000", "138****8000")]
    [InlineData("138 1234 5678", "138****5678")]
    [InlineData("138-1234-5678", "138****5678")]
    [InlineData(" 13812345678 ", "138****5678")]
    public void A_Chinese_mobile_keeps_its_first_three_and_last_four_digits(string phone, string masked) =>
        Assert.Equal(masked, PhoneMask.Mask(phone));

    [Theory]
    [InlineData("0471-8881234", "047****1234")]
    [InlineData("04718881234", "047****1234")]
    [InlineData("010-88812345", "010****2345")]
    [InlineData("(0571) 8881 2345", "057*****2345")]
    public void A_landline_with_its_area_code_keeps_its_first_three_and_last_four_digits_without_separators(string phone, string masked) =>
        Assert.Equal(masked, PhoneMask.Mask(phone));

    [Theory]
    [InlineData("+8613812345678", "+86 138****5678")]
    [InlineData("+86 138-1234-5678", "+86 138****5678")]
    [InlineData("+86 138-0000-1111", "+86 138****1111")]
    [InlineData("008613812345678", "+86 138****5678")]
    [InlineData("+86 471 8881234", "+86 ******1234")]
    public void A_number_with_the_country_code_86_keeps_the_code_and_masks_the_national_number(string phone, string masked) =>
        Assert.Equal(masked, PhoneMask.Mask(phone));

    [Theory]
    [InlineData("+1 415 555 2671", "+141****2671")]
    [InlineData("+44 20 7946 0958", "+442*****0958")]
    public void Another_international_number_keeps_its_plus_and_is_masked_as_one_number(string phone, string masked) =>
        Assert.Equal(masked, PhoneMask.Mask(phone));

    [Theory]
    [InlineData("88812345", "****2345")]
    [InlineData("4008123456", "******3456")]
    [InlineData("8881234", "*****34")]
    [InlineData("12345", "***45")]
    [InlineData("110", "*10")]
    [InlineData("12", "*2")]
    [InlineData("7", "*")]
    public void A_number_of_ten_digits_or_fewer_keeps_only_its_last_four_or_last_two_digits_and_always_hides_one(string phone, string masked) =>
        Assert.Equal(masked, PhoneMask.Mask(phone));

    [Fact]
    public void Null_stays_null() => Assert.Null(PhoneMask.Mask(null));

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void Empty_or_blank_becomes_empty(string phone) => Assert.Equal(string.Empty, PhoneMask.Mask(phone));

    [Theory]
    [InlineData("call me")]
    [InlineData("+")]
    public void Text_without_digits_is_replaced_by_a_single_star(string phone) => Assert.Equal("*", PhoneMask.Mask(phone));

    [Fact]
    public void Full_width_digits_are_masked_like_ascii_ones() => Assert.Equal("138****5678", PhoneMask.Mask("１３８１２３４５６７８"));

    [Theory]
    [InlineData("13812345678")]
    [InlineData("+86 138-1234-5678")]
    [InlineData("0471-8881234")]
    [InlineData("88812345")]
    [InlineData("8881234")]
    [InlineData("110")]
    public void Masking_a_masked_number_again_changes_nothing(string phone)
    {
        var once = PhoneMask.Mask(phone);

        Assert.Equal(once, PhoneMask.Mask(once));
    }

    [Theory]
    [InlineData("12345")]
    [InlineData("1234567")]
    [InlineData("12345678")]
    [InlineData("123456789012")]
    [InlineData("+8612345678901")]
    [InlineData("1234567890123456")]
    public void No_number_of_five_digits_or_more_is_left_whole_or_even_mostly_readable(string phone)
    {
        var masked = PhoneMask.Mask(phone);
        var digits = phone.Count(char.IsDigit);
        var shown = masked.Count(char.IsDigit) - (masked.StartsWith("+86 ", StringComparison.Ordinal) ? 2 : 0);

        Assert.True(masked.Count(c => c == '*') >= 3, $"{phone} → {masked} hides fewer than 3 digits");
        Assert.True(shown <= 7 && shown < digits, $"{phone} → {masked} shows {shown} of {digits} digits");
        Assert.DoesNotContain(phone.TrimStart('+'), masked, StringComparison.Ordinal);
    }
}
