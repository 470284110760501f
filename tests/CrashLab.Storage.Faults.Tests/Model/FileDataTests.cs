using CrashLab.Storage.Faults.Model;
using FsCheck.Xunit;

namespace CrashLab.Storage.Faults.Tests.Model;

/// <summary>
/// A clone shares its original's bytes until either changes (copy on write): whatever is written
/// to one, or however it is resized, the other must read as an independent copy would.
/// </summary>
public sealed class FileDataTests
{
    [Property(MaxTest = 200)]
    public void CloneAndOriginal_ChangedInAnyOrder_EachReadsAsAnIndependentCopy(byte[] content, (bool ToClone, bool Resize, byte Offset, byte[] Data)[] changes)
    {
        content ??= [];
        var original = new FileData(content);
        var clone = original.Clone();
        var (expectedOriginal, expectedClone) = (new List<byte>(content), new List<byte>(content));
        foreach (var (toClone, resize, offset, data) in changes)
        {
            var (file, expected) = toClone ? (clone, expectedClone) : (original, expectedOriginal);
            if (resize)
            {
                file.SetLength(offset);
                Resize(expected, offset);
            }
            else
            {
                file.Write(offset, data ?? []);
                Write(expected, offset, data ?? []);
            }
        }

        Assert.Equal(expectedOriginal, original.Content.ToArray());
        Assert.Equal(expectedClone, clone.Content.ToArray());
    }

    [Fact]
    public void CloneOfAClone_WrittenTo_LeavesTheOthersAlone()
    {
        var first = new FileData([1, 2, 3]);
        var second = first.Clone();
        var third = second.Clone();

        third.Write(1, [9]);
        second.Write(0, [8]);

        Assert.Equal([1, 2, 3], first.Content.ToArray());
        Assert.Equal([8, 2, 3], second.Content.ToArray());
        Assert.Equal([1, 9, 3], third.Content.ToArray());
    }

    private static void Resize(List<byte> bytes, int length)
    {
        if (length < bytes.Count)
            bytes.RemoveRange(length, bytes.Count - length);
        while (bytes.Count < length)
            bytes.Add(0);
    }

    private static void Write(List<byte> bytes, int offset, byte[] data)
    {
        Resize(bytes, Math.Max(bytes.Count, offset + data.Length));
        for (var i = 0; i < data.Length; i++)
            bytes[offset + i] = data[i];
    }
}
