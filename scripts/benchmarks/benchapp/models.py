from django.db import models


class Publisher(models.Model):
    name = models.CharField(max_length=100)


class Author(models.Model):
    name = models.CharField(max_length=100)
    email = models.EmailField()
    age = models.IntegerField()


class Tag(models.Model):
    name = models.CharField(max_length=50, unique=True)


class Book(models.Model):
    title = models.CharField(max_length=200)
    pages = models.IntegerField()
    price = models.DecimalField(max_digits=8, decimal_places=2)
    published = models.DateField()
    in_print = models.BooleanField(default=True)
    author = models.ForeignKey(Author, models.CASCADE, related_name="books")
    publisher = models.ForeignKey(Publisher, models.CASCADE, related_name="books")
    tags = models.ManyToManyField(Tag, related_name="books")

    class Meta:
        indexes = [models.Index(fields=["published", "price"])]


class Review(models.Model):
    book = models.ForeignKey(Book, models.CASCADE, related_name="reviews")
    rating = models.PositiveSmallIntegerField()
    text = models.TextField()
