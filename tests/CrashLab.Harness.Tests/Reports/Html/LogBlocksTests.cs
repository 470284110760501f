using System.Globalization;
using System.Text.RegularExpressions;
using CrashLab.Harness.Oracle;
using CrashLab.Harness.Reports.Html;

namespace CrashLab.Harness.Tests.Reports.Html;

/// <summary>The log-against-model picture: its labels never overlap each other nor leave the picture, for one record or ten thousand.</summary>
public sealed partial class LogBlocksTests
{
    private const double PictureWidth = 1100;

    [Theory]
    [InlineData(1, "4-durability", 1L)]
    [InlineData(1, "5-no-silent-corruption", 1L)]
    [InlineData(10_000, "4-durability", 1L)]
    [InlineData(10_000, "4-durability", 9_990L)]
    [InlineData(10_000, "5-no-silent-corruption", 10_000L)]
    public void Render_AnyLogSize_LabelsNeitherOverlapNorLeaveThePicture(int records, string rule, long lsn)
    {
        var model = new ChainModelState(1, 1, 1, records, 1, records + 1, false, 0, [], []);

        var svg = LogBlocks.Render(model, new Violation(rule, "gone") { Lsn = lsn }, "power-loss");

        var boxes = TextBoxes().Matches(svg).Select(Box).ToList();
        Assert.True(boxes.Count >= 3, svg);
        foreach (var box in boxes)
            Assert.True(box.Left >= 0 && box.Right <= PictureWidth, $"'{box.Text}' leaves the picture: {box}");
        for (var i = 0; i < boxes.Count; i++)
        {
            for (var j = i + 1; j < boxes.Count; j++)
                Assert.False(boxes[i].Overlaps(boxes[j]), $"'{boxes[i].Text}' overlaps '{boxes[j].Text}'");
        }
    }

    private sealed record TextBox(string Text, double Left, double Right, double Top, double Bottom)
    {
        public bool Overlaps(TextBox other) => Left < other.Right && other.Left < Right && Top < other.Bottom && other.Top < Bottom;
    }

    /// <summary>The box a text element covers, measured as generously as the layout does.</summary>
    private static TextBox Box(Match m)
    {
        var attributes = Attributes().Matches(m.Groups["attrs"].Value).ToDictionary(a => a.Groups[1].Value, a => a.Groups[2].Value);
        double Number(string name) => double.Parse(attributes[name], CultureInfo.InvariantCulture);
        var (x, y, size) = (Number("x"), Number("y"), Number("font-size"));
        var text = m.Groups["text"].Value;
        var width = text.Length * LogBlocks.CharWidth * size / 12;
        var left = attributes.GetValueOrDefault("text-anchor") == "end" ? x - width : x;
        return new TextBox(text, left, left + width, y - size, y);
    }

    [GeneratedRegex("<text (?<attrs>[^>]*)>(?<text>[^<]*)</text>")]
    private static partial Regex TextBoxes();

    [GeneratedRegex(@"([\w-]+)=""([^""]*)""")]
    private static partial Regex Attributes();
}
