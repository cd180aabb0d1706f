<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="pl-pl" lang="pl-pl" >
<head>
<meta http-equiv="content-type" content="text/html; charset=iso-8859-2" />
<meta name="robots" content="index, follow" />
<meta name="keywords" content="agencja rozwoju regionalnego, fundusze unijne, PO KL, RPO WD, pożyczki, Kłodzko" />
<meta name="generator" content="Joomla! 1.5 - Open Source Content Management" />
<title>Sudecka Agencja Rozwoju Regionalnego S.A. - Strona główna</title>
<link rel="stylesheet" href="/templates/sarr/css/template.css" type="text/css" />
<script type="text/javascript" src="/media/system/js/mootools.js"></script>
</head>
<body>
<table width="950" border="0" align="center" cellpadding="0" cellspacing="0" id="main">
<tr>
<td colspan="2" id="header">
<table width="100%" border="0" cellpadding="0" cellspacing="0">
<tr>
<td width="300"><a href="/"><img src="/templates/sarr/images/logo.gif" alt="SARR S.A." width="280" height="90" border="0" /></a></td>
<td align="right" valign="bottom" class="topmenu"><a href="/">Strona główna</a> | <a href="/index.php?option=com_content&amp;view=article&amp;id=2&amp;Itemid=3">O nas</a> | <a href="/index.php?option=com_contact&amp;view=contact&amp;id=1&amp;Itemid=4">Kontakt</a> | <a href="/index.php?option=com_content&amp;view=article&amp;id=9&amp;Itemid=15">BIP</a></td>
</tr>
</table>
</td>
</tr>
<tr>
<td width="210" valign="top" id="left">
<table cellpadding="0" cellspacing="0" class="moduletable_menu">
<tr><th valign="top">Menu główne</th></tr>
<tr><td>
<ul class="menu">
<li class="item1"><a href="/"><span>Strona główna</span></a></li>
<li class="item3"><a href="/index.php?option=com_content&amp;view=article&amp;id=2&amp;Itemid=3"><span>O nas</span></a></li>
<li class="item12"><a href="/index.php?option=com_content&amp;view=category&amp;id=5&amp;Itemid=12"><span>Aktualności</span></a></li>
<li class="item8"><a href="/index.php?option=com_content&amp;view=article&amp;id=7&amp;Itemid=8"><span>Projekty</span></a></li>
<li class="item15"><a href="/index.php?option=com_content&amp;view=article&amp;id=9&amp;Itemid=15"><span>BIP</span></a></li>
<li class="item4"><a href="/index.php?option=com_contact&amp;view=contact&amp;id=1&amp;Itemid=4"><span>Kontakt</span></a></li>
</ul>
</td></tr>
</table>
<table cellpadding="0" cellspacing="0" class="moduletable">
<tr><th valign="top">Ostatnio dodane</th></tr>
<tr><td><ul class="latestnews"><li class="latestnews"><a href="/index.php?option=com_content&amp;view=article&amp;id=214:konferencja-partnerstwo-na-rzecz-aktywizacji&amp;catid=5:aktualnosci&amp;Itemid=12" class="latestnews">W Kłodzku odbyła się konferencja podsumowująca Projekt &#8222;Partnerstwo na rzecz aktywizacji zawodowej&#8221;</a></li><li class="latestnews"><a href="/index.php?option=com_content&amp;view=article&amp;id=209:nabor-wnioskow-dotacje-6-2&amp;catid=5:aktualnosci&amp;Itemid=12" class="latestnews">Nabór wniosków o przyznanie jednorazowych dotacji na rozpoczęcie działalności gospodarczej</a></li><li class="latestnews"><a href="/index.php?option=com_content&amp;view=article&amp;id=203:szkolenia-dla-przedsiebiorcow-2011&amp;catid=5:aktualnosci&amp;Itemid=12" class="latestnews">Bezpłatne szkolenia dla przedsiębiorców z powiatu kłodzkiego</a></li><li class="latestnews"><a href="/index.php?option=com_content&amp;view=article&amp;id=198:fundusz-pozyczkowy-nowe-zasady&amp;catid=5:aktualnosci&amp;Itemid=12" class="latestnews">Fundusz Pożyczkowy &#8211; nowe zasady udzielania pożyczek od 1 grudnia 2010r.</a></li><li class="latestnews"><a href="/index.php?option=com_content&amp;view=article&amp;id=192:seminarium-ekonomia-spoleczna&amp;catid=5:aktualnosci&amp;Itemid=12" class="latestnews">Seminarium &#8222;Ekonomia społeczna na Ziemi Kłodzkiej&#8221;</a></li></ul></td></tr>
</table>
<table cellpadding="0" cellspacing="0" class="moduletable">
<tr><th valign="top">Kto jest online</th></tr>
<tr><td>Naszą witrynę przegląda teraz&nbsp;<strong>4</strong> gości&nbsp;</td></tr>
</table>
</td>
<td valign="top" id="content">
<div class="componentheading">Witamy na stronie Sudeckiej Agencji Rozwoju Regionalnego S.A.</div>
<div>
<table class="contentpaneopen">
<tr>
<td class="contentheading" width="100%"><a href="/index.php?option=com_content&amp;view=article&amp;id=214:konferencja-partnerstwo-na-rzecz-aktywizacji&amp;catid=5:aktualnosci&amp;Itemid=12" class="contentpagetitle">W Kłodzku odbyła się konferencja podsumowująca Projekt &#8222;Partnerstwo na rzecz aktywizacji zawodowej&#8221;</a></td>
</tr>
</table>
<table class="contentpaneopen">
<tr><td><span class="small">Kategoria: <a href="/index.php?option=com_content&amp;view=section&amp;id=2&amp;Itemid=10">Aktualności</a></span>&nbsp;</td></tr>
<tr><td valign="top" colspan="2" class="createdate">24 stycznia 2011r.</td></tr>
<tr><td valign="top" colspan="2"><p>W dniu 24 stycznia 2011r. w Kłodzku, w sali konferencyjnej Hotelu Nysa, odbyła się konferencja podsumowująca Projekt pn. &#8222;Partnerstwo na rzecz aktywizacji zawodowej mieszkańców Ziemi Kłodzkiej&#8221;, współfinansowany przez Unię Europejską ze środków Europejskiego Funduszu Społecznego w ramach Programu Operacyjnego Kapitał Ludzki, Poddziałanie 6.1.1.</p></td></tr>
<tr><td colspan="2"><a href="/index.php?option=com_content&amp;view=article&amp;id=214:konferencja-partnerstwo-na-rzecz-aktywizacji&amp;catid=5:aktualnosci&amp;Itemid=12" class="readon">Czytaj całość...</a></td></tr>
</table>
<span class="article_separator">&nbsp;</span>
</div>
<div>
<table class="contentpaneopen">
<tr>
<td class="contentheading" width="100%"><a href="/index.php?option=com_content&amp;view=article&amp;id=209:nabor-wnioskow-dotacje-6-2&amp;catid=5:aktualnosci&amp;Itemid=12" class="contentpagetitle">Nabór wniosków o przyznanie jednorazowych dotacji na rozpoczęcie działalności gospodarczej</a></td>
</tr>
</table>
<table class="contentpaneopen">
<tr><td><span class="small">Kategoria: <a href="/index.php?option=com_content&amp;view=section&amp;id=2&amp;Itemid=10">Aktualności</a></span>&nbsp;</td></tr>
<tr><td valign="top" colspan="2" class="createdate">10 stycznia 2011r.</td></tr>
<tr><td valign="top" colspan="2"><p>Sudecka Agencja Rozwoju Regionalnego S.A. informuje, że w dniach od 24 stycznia do 4 lutego 2011r. prowadzony będzie nabór wniosków o przyznanie jednorazowych dotacji na rozpoczęcie działalności gospodarczej w ramach Projektu &#8222;Własna firma &#8211; szansa dla Sudetów&#8221;.</p></td></tr>
<tr><td colspan="2"><a href="/index.php?option=com_content&amp;view=article&amp;id=209:nabor-wnioskow-dotacje-6-2&amp;catid=5:aktualnosci&amp;Itemid=12" class="readon">Czytaj całość...</a></td></tr>
</table>
<span class="article_separator">&nbsp;</span>
</div>
<div>
<table class="contentpaneopen">
<tr>
<td class="contentheading" width="100%"><a href="/index.php?option=com_content&amp;view=article&amp;id=203:szkolenia-dla-przedsiebiorcow-2011&amp;catid=5:aktualnosci&amp;Itemid=12" class="contentpagetitle">Bezpłatne szkolenia dla przedsiębiorców z powiatu kłodzkiego</a></td>
</tr>
</table>
<table class="contentpaneopen">
<tr><td><span class="small">Kategoria: <a href="/index.php?option=com_content&amp;view=section&amp;id=2&amp;Itemid=10">Aktualności</a></span>&nbsp;</td></tr>
<tr><td valign="top" colspan="2" class="createdate">15 grudnia 2010r.</td></tr>
<tr><td valign="top" colspan="2"><p>Zapraszamy mikro, małych i średnich przedsiębiorców z terenu powiatu kłodzkiego oraz ich pracowników do udziału w bezpłatnych szkoleniach realizowanych w ramach Poddziałania 8.1.1 Programu Operacyjnego Kapitał Ludzki.</p></td></tr>
<tr><td colspan="2"><a href="/index.php?option=com_content&amp;view=article&amp;id=203:szkolenia-dla-przedsiebiorcow-2011&amp;catid=5:aktualnosci&amp;Itemid=12" class="readon">Czytaj całość...</a></td></tr>
</table>
<span class="article_separator">&nbsp;</span>
</div>
<p><a href="/index.php?option=com_content&amp;view=category&amp;id=5&amp;Itemid=12">Więcej aktualności &raquo;</a></p>

</td>
</tr>
<tr>
<td colspan="2" id="footer">
<table width="100%" border="0" cellpadding="0" cellspacing="0">
<tr>
<td width="260" valign="top" class="footer_contact">
<h3>KONTAKT</h3>
<p>ul. Wojska Polskiego 11,<br />
57-300 Kłodzko<br />
tel. (+48) (74) 647 12 20<br />
fax (+48) (74) 647 12 29<br />
e-mail: <a href="mailto:sarr@sarr-demo.pl">sarr@sarr-demo.pl</a></p>
<p>NIP: 883-104-75-28<br />
REGON: P-890712381<br />
KRS: 0000128473<br />
godziny pracy:<br />
pn. - pt. 8.00 - 16.00</p>
</td>
<td valign="top" class="footer_logos">
<img src="/images/stories/logo_ue.gif" alt="Unia Europejska" border="0" />
<img src="/images/stories/logo_bip.gif" alt="bip logo footer2" border="0" />
<p class="copy">Copyright &copy; 2011 Sudecka Agencja Rozwoju Regionalnego S.A. Wszelkie prawa zastrzeżone.</p>
</td>
</tr>
</table>
</td>
</tr>
</table>
</body>
</html>
