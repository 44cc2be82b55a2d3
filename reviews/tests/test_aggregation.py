"""Members' grades taken together: the mean rounded half up to the nearest class by rank,
and the median, with the median of an even count defined as the mean of the middle two."""

from django.test import SimpleTestCase

from reviews.services import aggregate, mean_grade, median_grade


class Grade:
    def __init__(self, code):
        self.code = code

    def __repr__(self):
        return self.code


SCHEME = [Grade(code) for code in "ABCDE"]
BY_CODE = {g.code: g for g in SCHEME}


def grades(codes: str):
    return [BY_CODE[c] for c in codes]


class MeanTests(SimpleTestCase):
    def test_the_mean_of_equal_grades_is_that_grade(self):
        self.assertIs(mean_grade(grades("CCCCC"), SCHEME), BY_CODE["C"])

    def test_the_mean_takes_the_nearest_class(self):
        # Scores A5 B4 C3 D2 E1: 4+4+3+3+3 = 17 / 5 = 3.4 → 3 → C.
        self.assertIs(mean_grade(grades("BBCCC"), SCHEME), BY_CODE["C"])
        # 4+4+4+3+3 = 18 / 5 = 3.6 → 4 → B.
        self.assertIs(mean_grade(grades("BBBCC"), SCHEME), BY_CODE["B"])

    def test_a_mean_exactly_between_two_classes_rounds_up_to_the_better(self):
        self.assertIs(mean_grade(grades("AB"), SCHEME), BY_CODE["A"])
        self.assertIs(mean_grade(grades("BBCC"), SCHEME), BY_CODE["B"])
        self.assertIs(mean_grade(grades("DE"), SCHEME), BY_CODE["D"])

    def test_far_apart_grades_average_to_the_middle(self):
        self.assertIs(mean_grade(grades("AE"), SCHEME), BY_CODE["C"])

    def test_no_grades_give_no_mean(self):
        self.assertIsNone(mean_grade([], SCHEME))


class MedianTests(SimpleTestCase):
    def test_the_median_of_an_odd_count_is_the_middle_grade(self):
        self.assertIs(median_grade(grades("AABDE"), SCHEME), BY_CODE["B"])

    def test_the_median_ignores_an_outlier_the_mean_does_not(self):
        self.assertIs(median_grade(grades("BBBBE"), SCHEME), BY_CODE["B"])
        self.assertIs(mean_grade(grades("BBBBE"), SCHEME), BY_CODE["C"])

    def test_the_median_of_an_even_count_is_the_mean_of_the_middle_two(self):
        self.assertIs(median_grade(grades("ABDE"), SCHEME), BY_CODE["C"])  # B and D → C

    def test_an_even_median_between_adjacent_classes_takes_the_better(self):
        self.assertIs(median_grade(grades("ABCD"), SCHEME), BY_CODE["B"])  # B and C → B

    def test_the_median_does_not_depend_on_the_order_given(self):
        self.assertIs(median_grade(grades("EDBA"), SCHEME), BY_CODE["C"])


class AggregateTests(SimpleTestCase):
    def test_a_body_whose_chair_decides_is_shown_the_mean(self):
        self.assertIs(aggregate("chair", grades("BBBBE"), SCHEME), BY_CODE["C"])

    def test_a_median_body_takes_the_median(self):
        self.assertIs(aggregate("median", grades("BBBBE"), SCHEME), BY_CODE["B"])
