from django.db import models


class TimeStampedModel(models.Model):
    created = models.DateTimeField("créé le", auto_now_add=True)
    updated = models.DateTimeField("modifié le", auto_now=True)

    class Meta:
        abstract = True
